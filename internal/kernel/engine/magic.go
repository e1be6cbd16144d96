package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/internal/cell"
)

// Magics lists the magic commands, for %help and completion.
var Magics = []struct{ Name, Usage, Doc string }{
	{"!", "!command", "run a shell command (e.g. !nvidia-smi, !ls -l); interrupt stops it"},
	{"%env", "%env [NAME[=value]]", "list the environment, show one variable, or set one (secret values are masked)"},
	{"%time", "%time statement", "run one statement and print its wall time"},
	{"%%time", "%%time (first line)", "run the whole cell and print its wall time"},
	{"%reset", "%reset", "start a fresh session: all variables, functions and types are forgotten"},
	{"%who", "%who", "list the names the session has declared"},
	{"%go", "%go get MODULE[@VERSION]", "compile Go modules into the session (alone in a cell; also %go list, %go remove, %go tidy, %go help)"},
	{"%help", "%help", "this help"},
}

// magic runs a magic line.
func (s *Session) magic(ctx context.Context, p *cell.Piece) (*Result, error) {
	if p.Shell {
		return nil, s.shell(ctx, p.Src)
	}
	name, args, _ := strings.Cut(p.Src, " ")
	args = strings.TrimSpace(args)
	switch name {
	case "env":
		return s.env(args)
	case "time":
		c, err := cell.Parse(args)
		if err != nil {
			return nil, &Error{Name: "SyntaxError", Value: fmt.Sprintf("%%time: %v", err)}
		}
		start := time.Now()
		res, err := s.run(ctx, args, c)
		fmt.Fprintln(s.opts.Stdout, timing(time.Since(start)))
		return res, err
	case "who":
		return s.who(), nil
	case "help":
		return &Result{Value: &display.Bundle{Data: map[string]any{
			display.MIMEMarkdown: s.help(), display.MIMEText: s.help()}}}, nil
	case "reset":
		return nil, &Error{Name: "UsageError", Value: "%reset must be alone in its cell"}
	}
	return nil, &Error{Name: "UsageError", Value: fmt.Sprintf("unknown magic %%%s (try %%help)", name)}
}

// shell runs a command with sh, its output going to the cell's output. Cancelling ctx kills the command
// and its children.
func (s *Session) shell(ctx context.Context, command string) error {
	if command == "" {
		return &Error{Name: "UsageError", Value: "! needs a command, e.g. !ls"}
	}
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdout = s.opts.Stdout
	cmd.Stderr = s.opts.Stderr
	cmd.Env = s.opts.Env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return &Error{Name: "ShellError", Value: fmt.Sprintf("starting %q: %v", command, err)}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return &Error{Name: "ShellError", Value: fmt.Sprintf("%s: %v", command, err)}
		}
		return nil
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return interrupted()
	}
}

// secretName reports whether an environment variable probably holds a secret.
func secretName(name string) bool {
	u := strings.ToUpper(name)
	for _, w := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}

// mask hides a secret value but for its length.
func mask(name, value string) string {
	if secretName(name) && value != "" {
		return fmt.Sprintf("<hidden: %d characters>", len(value))
	}
	return value
}

func (s *Session) env(args string) (*Result, error) {
	text := func(t string) *Result {
		return &Result{Value: &display.Bundle{Data: map[string]any{display.MIMEText: t}}}
	}
	if args == "" {
		env := os.Environ()
		sort.Strings(env)
		var b strings.Builder
		for _, kv := range env {
			k, v, _ := strings.Cut(kv, "=")
			fmt.Fprintf(&b, "%s=%s\n", k, mask(k, v))
		}
		return text(strings.TrimSuffix(b.String(), "\n")), nil
	}
	name, value, set := strings.Cut(args, "=")
	if !set {
		name, value, set = strings.Cut(args, " ")
	}
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !set {
		v, ok := os.LookupEnv(name)
		if !ok {
			// Not an error: asking is how a learner checks, and "not set" is an answer.
			return text(fmt.Sprintf("%s is not set (set it with %%env %s=value, or in the environment of the "+
				"shell that starts Jupyter)", name, name)), nil
		}
		return text(mask(name, v)), nil
	}
	if err := os.Setenv(name, value); err != nil {
		return nil, &Error{Name: "UsageError", Value: fmt.Sprintf("setting %s: %v", name, err)}
	}
	s.opts.Env = nil // shell magics now inherit the changed process environment
	fmt.Fprintf(s.opts.Stdout, "env: %s=%s\n", name, mask(name, value))
	return nil, nil
}

func (s *Session) who() *Result {
	kinds := map[nameKind]string{kindVar: "var", kindConst: "const", kindFunc: "func", kindType: "type"}
	var b strings.Builder
	names := make([]string, 0, len(s.names))
	for n := range s.names {
		if !strings.HasPrefix(n, "__golm") { // the kernel's own names
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%-6s %s\n", kinds[s.names[n].kind], n)
	}
	return &Result{Value: &display.Bundle{Data: map[string]any{display.MIMEText: strings.TrimSuffix(b.String(), "\n")}}}
}

func (s *Session) help() string {
	var b strings.Builder
	b.WriteString("## golm: Go in a notebook\n\n")
	b.WriteString("Cells keep their variables, functions and types; the last expression of a cell is shown. " +
		"Packages are imported when first used. `ctx` is the running cell's own context (interrupt cancels it; it is done once its cell ended).\n\n")
	b.WriteString("| magic | what it does |\n|---|---|\n")
	for _, m := range Magics {
		fmt.Fprintf(&b, "| `%s` | %s |\n", m.Usage, m.Doc)
	}
	b.WriteString("\nPackages beyond the standard library, usable without an import line:\n\n")
	var extra []string
	for path, name := range s.pkgs {
		if strings.Contains(strings.SplitN(path, "/", 2)[0], ".") && path != runtimePkg {
			extra = append(extra, fmt.Sprintf("- `%s` (%s)", name, path))
		}
	}
	sort.Strings(extra)
	b.WriteString(strings.Join(extra, "\n"))
	b.WriteString("\n\nHelp on a name: put the cursor on it and press Shift+Tab, or run `?strings.Repeat`.\n")
	return b.String()
}
