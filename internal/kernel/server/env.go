package server

import (
	"strings"

	"github.com/golm-dev/golm/internal/cell"
	"github.com/golm-dev/golm/internal/kernel/pipe"
	"github.com/golm-dev/golm/internal/kernel/supervisor"
)

// %env NAME=VALUE sets a variable in the worker's process, which %reset, a crash or a restart after a stuck
// cell replaces: the kernel keeps the settings of the cells that ran without error, and gives each new
// worker them before its first cell, as IPython keeps %env across %reset. (A cell's own os.Setenv is the
// program's business and goes with its process, as in Go.)

// envSetting returns the name that a line sets if it is a %env magic that sets a variable.
func envSetting(line string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "%env")
	if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	name, _, set := strings.Cut(rest, "=")
	if !set {
		name, _, set = strings.Cut(rest, " ")
	}
	name = strings.TrimSpace(name)
	if !set || name == "" {
		return "", false
	}
	return name, true
}

// recordEnv keeps the %env settings of a cell that ran without error, the last one for each name: its magic
// lines as the engine reads them (not a line of a raw string or of a cell magic's body).
func (s *Server) recordEnv(code string) {
	if !strings.Contains(code, "%env") {
		return // most cells: not parsed again on the kernel's side
	}
	c, err := cell.Parse(code)
	if err != nil || c.CellMagic != "" {
		return
	}
	for _, p := range c.Pieces {
		if p.Kind != cell.Magic || p.Shell {
			continue
		}
		line := "%" + p.Src
		name, ok := envSetting(line)
		if !ok {
			continue
		}
		s.mu.Lock()
		s.envs = append(s.envs[:0:0], filterEnv(s.envs, name)...)
		s.envs = append(s.envs, envLine{name: name, line: strings.TrimSpace(line)})
		s.mu.Unlock()
	}
}

// envLine is a %env setting, kept for new workers.
type envLine struct{ name, line string }

func filterEnv(envs []envLine, name string) []envLine {
	var out []envLine
	for _, e := range envs {
		if e.name != name {
			out = append(out, e)
		}
	}
	return out
}

// primeEnv gives a worker that has run no cell of this session the %env settings, with their output
// hidden.
func (s *Server) primeEnv(p *supervisor.Process) {
	s.mu.Lock()
	if s.primed == p {
		s.mu.Unlock()
		return
	}
	s.primed = p
	envs := s.envs
	if len(envs) == 0 {
		s.mu.Unlock()
		return
	}
	s.replaying = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.replaying = false
		s.mu.Unlock()
	}()
	for _, e := range envs {
		done, err := p.Do(pipe.Request{Op: pipe.OpExecute, Code: e.line, Silent: true}, func(pipe.Event) {})
		switch {
		case err != nil:
			s.log.Warn("setting %env in the new Go session", "name", e.name, "err", err)
			return
		case done.Error != nil:
			s.log.Warn("setting %env in the new Go session", "name", e.name, "err", done.Error.Value)
		}
	}
}
