// Package history keeps the inputs of executed cells across kernel sessions, and answers Jupyter's
// history requests: the last n entries, a range of a session, and a glob search.
//
// The history file is private to its user (created 0600 in a 0700 folder; a file found with wider
// permissions is narrowed). It holds inputs only: cell outputs can hold secrets (a printed API key, a
// response), so they are kept in memory for this session and written to the file only when the store is
// opened with KeepOutputs (golm does so when GOLM_HISTORY_OUTPUTS=1). Opening a file without it removes
// outputs an earlier session wrote.
package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Entry is one executed cell.
type Entry struct {
	Session int    `json:"session"`
	Line    int    `json:"line"`
	Input   string `json:"input"`
	Output  string `json:"output,omitempty"`
}

// Store is a history file (JSON lines) and the entries read from it. Several kernels may append to the
// same file; each writes whole lines.
type Store struct {
	mu          sync.Mutex
	path        string
	session     int
	entries     []Entry
	max         int
	keepOutputs bool
	file        *os.File  // the history file, until its entries are read (see Open)
	load        sync.Once // reads them
	cutLine     bool      // the file ends in the middle of a line (a write was cut): Add ends it first
	err         error     // see Err
}

// OutputsEnv is the environment variable that, set to 1, makes golm keep cell outputs in the history
// file.
const OutputsEnv = "GOLM_HISTORY_OUTPUTS"

// Option configures Open.
type Option func(*Store)

// KeepOutputs writes cells' text outputs to the history file too (by default only inputs are written).
func KeepOutputs(on bool) Option { return func(s *Store) { s.keepOutputs = on } }

// MaxEntries bounds how many past entries a store keeps in memory.
const MaxEntries = 10000

// Open opens a history file ("" keeps history in memory only) and starts a new session numbered after the
// last one in it. The file's entries are read when first needed (the first cell's entry, a history
// request), not while a kernel starts (a history of 1300 entries took as long as a tenth of the kernel's
// start, which waited for it before starting its worker). Only the last MaxEntries lines are read, and a
// file more than twice their size is rewritten with them, so that neither the file nor the reading grows
// without end.
func Open(path string, opts ...Option) (*Store, error) {
	s := &Store{path: path, max: MaxEntries, session: 1}
	for _, o := range opts {
		o(s)
	}
	if path == "" {
		return s, nil
	}
	f, err := os.Open(path)
	switch {
	case err == nil:
		if err := narrow(f); err != nil {
			f.Close()
			return nil, err
		}
		s.file = f
	case os.IsNotExist(err):
	default:
		return nil, fmt.Errorf("history: %w", err)
	}
	return s, nil
}

// ready reads the file's entries the first time it is called, and returns what went wrong then.
func (s *Store) ready() (err error) {
	s.load.Do(func() {
		if s.file != nil {
			s.read()
			err = s.err
		}
	})
	return err
}

// read reads the entries of the history file and closes it. A failure to remove the outputs of an earlier
// session keeps this session's history in memory only (see Err).
func (s *Store) read() {
	f := s.file
	s.file = nil
	s.session = 0
	lines, begin, err := tailLines(f, s.max)
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	if size > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, size-1); err == nil && last[0] != '\n' {
			s.cutLine = true
		}
	}
	f.Close()
	if err != nil {
		s.err = fmt.Errorf("history: reading %s: %w", s.path, err)
	}
	for _, line := range lines {
		var e Entry
		if json.Unmarshal(line, &e) == nil && e.Session > 0 {
			s.entries = append(s.entries, e)
			s.session = max(s.session, e.Session)
		}
	}
	s.session++
	outputs := !s.keepOutputs && slices.ContainsFunc(s.entries, func(e Entry) bool { return e.Output != "" })
	// Rewritten when it holds outputs it should not, or is more than twice the size of the lines kept.
	if outputs || (err == nil && begin > size-begin) {
		if err := s.rewrite(); err != nil {
			s.err = err
			if outputs {
				s.path = "" // do not add to a file that keeps secrets it should not
			}
		} else {
			s.cutLine = false
		}
	}
}

// tailLines returns the last n non-empty lines of f, reading it backwards in blocks of doubling size, and
// the offset of the first of them (f's size if none).
func tailLines(f *os.File, n int) (lines [][]byte, begin int64, err error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	size := fi.Size()
	off := size
	var buf []byte // f's bytes from off to size
	for {
		// The complete lines of buf: after its first newline, or all of it at the file's start.
		region, regionOff := buf, off
		if off > 0 {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				i = len(buf)
			} else {
				i++
			}
			region, regionOff = buf[i:], off+int64(i)
		}
		if off == 0 || bytes.Count(region, []byte{'\n'}) > n {
			var starts []int
			for pos := 0; pos < len(region); {
				j := bytes.IndexByte(region[pos:], '\n')
				if j < 0 {
					j = len(region) - pos
				}
				if l := region[pos : pos+j]; len(bytes.TrimSpace(l)) > 0 {
					lines, starts = append(lines, l), append(starts, pos)
				}
				pos += j + 1
			}
			if len(lines) > n {
				lines, starts = lines[len(lines)-n:], starts[len(starts)-n:]
			}
			if len(lines) == 0 {
				return nil, size, nil
			}
			return lines, regionOff + int64(starts[0]), nil
		}
		start := max(0, off-max(64<<10, int64(len(buf))))
		chunk := make([]byte, off-start, off-start+int64(len(buf)))
		if _, err := f.ReadAt(chunk, start); err != nil && err != io.EOF {
			return nil, 0, err
		}
		buf, off = append(chunk, buf...), start
	}
}

// Err reads the file's entries if that was not done yet, and returns what kept them from being read, or
// kept this session's entries from the file (nil if nothing did). The first Add returns it too.
func (s *Store) Err() error {
	s.ready()
	return s.err
}

// narrow makes an existing history file private to its owner.
func narrow(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("history: making %s private: %w", f.Name(), err)
		}
	}
	return nil
}

// rewrite writes the file anew with the entries read, outputs removed unless KeepOutputs (an earlier
// session wrote them). The outputs stay in memory.
func (s *Store) rewrite() error {
	var buf []byte
	for _, e := range s.entries {
		if !s.keepOutputs {
			e.Output = ""
		}
		line, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		buf = append(append(buf, line...), '\n')
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".history-*")
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf); err != nil {
		tmp.Close()
		return fmt.Errorf("history: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("history: rewriting %s: %w", s.path, err)
	}
	return nil
}

// DefaultPath returns $XDG_DATA_HOME/golm/history.jsonl (~/.local/share/golm/history.jsonl).
func DefaultPath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "golm", "history.jsonl")
}

// Session returns the number of this kernel's session.
func (s *Store) Session() int {
	s.ready()
	return s.session
}

// Add records a cell of this session: input and output in memory, the output in the file only with
// KeepOutputs. Errors writing the file (and, from the first Add, reading it) are returned but the entry is
// kept in memory.
func (s *Store) Add(line int, input, output string) (err error) {
	if loadErr := s.ready(); loadErr != nil {
		defer func() {
			if err == nil {
				err = loadErr
			}
		}()
	}
	e := Entry{Session: s.session, Line: line, Input: input, Output: output}
	s.mu.Lock()
	s.entries = append(s.entries, e)
	if len(s.entries) > s.max {
		s.entries = s.entries[len(s.entries)-s.max:]
	}
	s.mu.Unlock()
	if s.path == "" {
		return nil
	}
	if !s.keepOutputs {
		e.Output = ""
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	f, err := os.OpenFile(s.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	if err := narrow(f); err != nil {
		return err
	}
	data = append(data, '\n')
	s.mu.Lock()
	if s.cutLine {
		data = append([]byte{'\n'}, data...)
		s.cutLine = false
	}
	s.mu.Unlock()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// Tail returns the last n entries.
func (s *Store) Tail(n int) []Entry {
	s.ready()
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 || n > len(s.entries) {
		n = len(s.entries)
	}
	return append([]Entry(nil), s.entries[len(s.entries)-n:]...)
}

// Range returns the entries of a session with start <= line < stop. A session of 0 or less counts back from
// this one (0 is this session, -1 the previous); stop 0 means to the end.
func (s *Store) Range(session, start, stop int) []Entry {
	s.ready()
	if session <= 0 {
		session += s.session
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Entry
	for _, e := range s.entries {
		if e.Session == session && e.Line >= start && (stop <= 0 || e.Line < stop) {
			out = append(out, e)
		}
	}
	return out
}

// Search returns the entries whose input matches a glob pattern (* and ?), the last n of them (n <= 0:
// all); with unique, only the latest entry of each input.
func (s *Store) Search(pattern string, n int, unique bool) []Entry {
	s.ready()
	re := globRE(pattern)
	s.mu.Lock()
	var matches []Entry
	for _, e := range s.entries {
		if re.MatchString(e.Input) {
			matches = append(matches, e)
		}
	}
	s.mu.Unlock()
	if unique {
		seen := map[string]bool{}
		var rev []Entry
		for i := len(matches) - 1; i >= 0; i-- {
			if !seen[matches[i].Input] {
				seen[matches[i].Input] = true
				rev = append(rev, matches[i])
			}
		}
		matches = matches[:0]
		for i := len(rev) - 1; i >= 0; i-- {
			matches = append(matches, rev[i])
		}
	}
	if n > 0 && len(matches) > n {
		matches = matches[len(matches)-n:]
	}
	return matches
}

// globRE turns a glob pattern into an anchored regular expression that matches across lines.
func globRE(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}
