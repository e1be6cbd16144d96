package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/golm-dev/golm/course"
)

// runLessons builds the notebooks from the lesson sources, or checks that they are up to date.
func runLessons(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lessons", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lessons := fs.String("lessons", "lessons", "folder of lesson sources (NN-name.md)")
	notebooks := fs.String("notebooks", "notebooks", "folder of generated notebooks")
	if len(args) == 0 {
		return fmt.Errorf("%w: want build or check", errUsage)
	}
	verb := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch verb {
	case "build":
		written, err := course.Build(*lessons, *notebooks)
		if err != nil {
			return err
		}
		for _, w := range written {
			fmt.Fprintln(stdout, "wrote", w)
		}
		return nil
	case "check":
		problems, err := course.Check(*lessons, *notebooks)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			return errors.New(strings.Join(problems, "\n") + "\nrun: golm lessons build")
		}
		fmt.Fprintln(stdout, "notebooks are up to date")
		return nil
	}
	return fmt.Errorf("%w: unknown verb %q", errUsage, verb)
}
