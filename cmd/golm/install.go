package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/golm-dev/golm/internal/kernel/kernelspec"
)

func runInstall(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.Bool("user", false, "install for the current user (~/.local/share/jupyter/kernels)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the Python environment's prefix (conda, virtualenv)")
	prefix := fs.String("prefix", "", "install into `DIR`/share/jupyter/kernels")
	name := fs.String("name", kernelspec.Name, "kernelspec name")
	display := fs.String("display-name", "", "display name (default \"Go (golm)\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n := 0
	for _, b := range []bool{*user, *sysPrefix, *prefix != ""} {
		if b {
			n++
		}
	}
	if n > 1 {
		return fmt.Errorf("%w: choose one of --user, --sys-prefix and --prefix", errUsage)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the golm binary: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	spec := kernelspec.NewSpec(exe, nil)
	if *display != "" {
		spec.DisplayName = *display
	}
	dir, err := kernelspec.Install(kernelspec.Where{User: *user, SysPrefix: *sysPrefix, Prefix: *prefix}, *name, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Installed kernelspec %s in %s\n", *name, dir)
	return nil
}
