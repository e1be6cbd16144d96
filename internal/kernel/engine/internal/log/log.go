// Package log provides the log.Logger that cells get from log.New (and log.Default): the standard library's,
// whose Fatal, Fatalf and Fatalln end the cell through a function of the session (as os.Exit does in cells)
// instead of ending the process (the kernel). It is named log so that %T shows *log.Logger.
package log

import (
	"fmt"
	"io"
	stdlog "log"
)

// Logger is a *log.Logger whose Fatal methods call Exit. Every other method is the standard one; the
// standard logger itself is the field Logger, for code that needs a *log.Logger (http.Server.ErrorLog).
type Logger struct {
	*stdlog.Logger
	// Exit ends the cell after a Fatal method wrote its message, as os.Exit(code) does in a program;
	// without it, Fatal panics with the message.
	Exit func(code int, msg string)
}

// New creates a Logger, as log.New does.
func New(out io.Writer, prefix string, flag int) *Logger {
	return &Logger{Logger: stdlog.New(out, prefix, flag)}
}

// Fatal is Print followed by Exit(1).
func (l *Logger) Fatal(v ...any) { l.fatal(fmt.Sprint(v...)) }

// Fatalf is Printf followed by Exit(1).
func (l *Logger) Fatalf(format string, v ...any) { l.fatal(fmt.Sprintf(format, v...)) }

// Fatalln is Println followed by Exit(1).
func (l *Logger) Fatalln(v ...any) { l.fatal(fmt.Sprintln(v...)) }

func (l *Logger) fatal(msg string) {
	l.Output(3, msg)
	if l.Exit == nil {
		panic(msg)
	}
	l.Exit(1, msg)
}

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
