package main

import (
	"bytes"
	"fmt"
	"log"
	"log/slog"
	"os"
)

func main() {
	var buf bytes.Buffer
	buflog := log.New(&buf, "buf:", log.Lmsgprefix)
	buflog.Println("hello")
	buflog.SetPrefix("ohmy:")
	buflog.Println("again")
	fmt.Print("from buflog:", buf.String())
	mylog := log.New(os.Stdout, "my:", 0)
	mylog.Println("from mylog")
	jsonHandler := slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	myslog := slog.New(jsonHandler)
	myslog.Info("hi there")
	myslog.Info("hello again", "key", "val", "age", 25)
}
