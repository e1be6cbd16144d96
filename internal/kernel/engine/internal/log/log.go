// Package log provides the log.Logger that cells get from log.New (and log.Default): the standard library's,
// with Fatal, Fatalf and Fatalln panicking instead of ending the process (the kernel), as the package
// functions log.Fatal... do in cells. It is named log so that %T shows *log.Logger.
package log

import (
	"fmt"
	"io"
	stdlog "log"
)

// Logger is a *log.Logger whose Fatal methods panic. Every other method is the standard one; the
// standard logger itself is the field Logger, for code that needs a *log.Logger (http.Server.ErrorLog).
type Logger struct {
	*stdlog.Logger
}

// New creates a Logger, as log.New does.
func New(out io.Writer, prefix string, flag int) *Logger {
	return &Logger{stdlog.New(out, prefix, flag)}
}

// Fatal is Print followed by a panic (log.Logger.Fatal would end the kernel).
func (l *Logger) Fatal(v ...any) { l.Logger.Panic(v...) }

// Fatalf is Printf followed by a panic.
func (l *Logger) Fatalf(format string, v ...any) { l.Logger.Panicf(format, v...) }

// Fatalln is Println followed by a panic.
func (l *Logger) Fatalln(v ...any) { l.Logger.Panicln(v...) }

// Std returns the standard logger of l, for compiled code that needs a *log.Logger (the engine passes a
// cell's logger through it there: http.Server{ErrorLog: logger}): l itself when it is one, nil for nil.
func Std(l any) *stdlog.Logger {
	switch l := l.(type) {
	case *Logger:
		if l == nil {
			return nil
		}
		return l.Logger
	case *stdlog.Logger:
		return l
	case nil:
		return nil
	}
	panic(fmt.Sprintf("cannot use a %T as a *log.Logger", l))
}
