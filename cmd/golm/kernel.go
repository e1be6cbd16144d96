package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/golm-dev/golm/internal/kernel/history"
	"github.com/golm-dev/golm/internal/kernel/modules"
	"github.com/golm-dev/golm/internal/kernel/modules/workermain"
	"github.com/golm-dev/golm/internal/kernel/server"
	"github.com/golm-dev/golm/internal/kernel/supervisor"
)

func runKernel(ctx context.Context, args []string, _, stderr io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: want one connection file", errUsage)
	}
	conn, err := server.ReadConnectionFile(args[0])
	if err != nil {
		return err
	}
	level := slog.LevelWarn
	if os.Getenv("GOLM_DEBUG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the golm binary: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	limit, err := memoryLimit()
	if err != nil {
		return err
	}
	maxMessage, err := maxMessageBytes()
	if err != nil {
		return err
	}
	spare, err := spareWorker()
	if err != nil {
		return err
	}
	hist, err := history.Open(history.DefaultPath(), history.KeepOutputs(os.Getenv(history.OutputsEnv) == "1"))
	if err != nil {
		log.Warn("history is kept in memory only", "err", err)
		hist, _ = history.Open("")
	}
	workerCmd := []string{exe, "worker"}
	mods, startCmd := kernelModules(workerCmd, log)
	srv, err := server.New(server.Config{
		Conn:    conn,
		Modules: mods,
		Worker: supervisor.Options{
			Command:     startCmd,
			Env:         append(os.Environ(), "GOLM_MEMORY_LIMIT="+strconv.FormatInt(limit, 10)),
			MemoryLimit: limit + limit/10,
		},
		History:         hist,
		Log:             log,
		Version:         version,
		MaxMessageBytes: maxMessage,
		SpareWorker:     spare,
	})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)
	defer stop()
	// In signal interrupt mode, Jupyter sends SIGINT: interrupt the cell rather than exit.
	sigint := make(chan os.Signal, 1)
	signal.Notify(sigint, syscall.SIGINT)
	go func() {
		for range sigint {
			srv.Interrupt()
		}
	}()
	return srv.Run(ctx)
}

// kernelModules opens the notebook's modules workspace for %go, and returns the worker command to start
// with: a cached worker that links the workspace's packages when there is one (a notebook that ran %go get
// before), else golm worker. Without golm's source, %go says why it is unavailable.
// A notebook that never ran %go has no workspace yet: it is created at the first %go, so that a kernel
// starts without running the go command.
func kernelModules(workerCmd []string, log *slog.Logger) (server.Modules, []string) {
	opts, err := workspaceOptions()
	if err != nil {
		log.Warn("%go is unavailable", "err", err)
		return unavailableModules{err}, workerCmd
	}
	if _, err := os.Stat(filepath.Join(opts.Dir, "go.mod")); err != nil {
		return &lazyModules{opts: opts, workerCmd: workerCmd}, workerCmd
	}
	ws, err := modules.Open(opts)
	if err != nil {
		log.Warn("%go is unavailable", "err", err)
		return unavailableModules{err}, workerCmd
	}
	m := &modules.Magic{Workspace: ws, Default: workerCmd}
	return m, m.StartCommand()
}

func workspaceOptions() (modules.Options, error) {
	src, err := modules.FindSource()
	if err != nil {
		return modules.Options{}, err
	}
	dir, cache, err := modules.DefaultDirs()
	if err != nil {
		return modules.Options{}, err
	}
	tags, flags, env := modules.BuildSettings()
	return modules.Options{Dir: dir, CacheDir: cache, Source: src, Tags: tags, BuildFlags: flags, BuildEnv: env}, nil
}

// lazyModules opens the workspace at the first %go.
type lazyModules struct {
	opts      modules.Options
	workerCmd []string
	once      sync.Once
	m         *modules.Magic
	err       error
}

func (l *lazyModules) Go(ctx context.Context, args []string, out io.Writer) ([]string, error) {
	l.once.Do(func() {
		ws, err := modules.Open(l.opts)
		l.m, l.err = &modules.Magic{Workspace: ws, Default: l.workerCmd}, err
	})
	if l.err != nil {
		return nil, fmt.Errorf("%%go is unavailable: %w", l.err)
	}
	return l.m.Go(ctx, args, out)
}

// unavailableModules answers %go with the reason it cannot work here.
type unavailableModules struct{ err error }

func (u unavailableModules) Go(context.Context, []string, io.Writer) ([]string, error) {
	return nil, fmt.Errorf("%%go is unavailable: %w", u.err)
}

// runWorker is the kernel's interpreter process, serving on the pipes the kernel passes it (package pipe).
func runWorker(_ context.Context, _ []string, _, _ io.Writer) error {
	return workermain.Run(nil, nil)
}

// maxMessageBytes reads GOLM_MAX_MESSAGE_BYTES ("64MiB", bytes): the largest message a client may send
// the kernel; 0 (unset) takes the default, 256 MiB.
func maxMessageBytes() (int64, error) {
	v := os.Getenv("GOLM_MAX_MESSAGE_BYTES")
	if v == "" {
		return 0, nil
	}
	n, err := parseBytes(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("GOLM_MAX_MESSAGE_BYTES: want a positive size such as 64MiB, got %q", v)
	}
	return n, nil
}

// spareWorker reads GOLM_SPARE_WORKER: whether the kernel keeps a second worker started and ready, so that
// %reset and restarts after a crash take no time (on unless 0, false or off; it costs the memory of an idle
// worker per kernel, which a room of many learners on one machine may rather save).
func spareWorker() (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(os.Getenv("GOLM_SPARE_WORKER"))); v {
	case "", "1", "true", "on", "yes":
		return true, nil
	case "0", "false", "off", "no":
		return false, nil
	default:
		return false, fmt.Errorf("GOLM_SPARE_WORKER: want 1 or 0, got %q", v)
	}
}

// memoryLimit reads GOLM_MEMORY_LIMIT ("8GiB", "512MB", bytes), or takes 80% of the machine's memory (0, no
// limit, where the memory size is unknown).
func memoryLimit() (int64, error) {
	if v := os.Getenv("GOLM_MEMORY_LIMIT"); v != "" {
		n, err := parseBytes(v)
		if err != nil {
			return 0, fmt.Errorf("GOLM_MEMORY_LIMIT: %w", err)
		}
		return n, nil
	}
	total, err := totalMemory()
	if err != nil || total <= 0 {
		return 0, nil
	}
	return total * 8 / 10, nil
}

// parseMemInfo returns MemTotal from the text of /proc/meminfo, in bytes.
func parseMemInfo(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("MemTotal: %w", err)
			}
			return kb * 1024, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("no MemTotal line")
}

// parseBytes parses a size: a number of bytes, or a number with KB, MB, GB (powers of 1000) or KiB, MiB,
// GiB (powers of 1024).
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			mult = u.mult
			s = strings.TrimSpace(strings.TrimSuffix(s, u.suffix))
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("not a size: %q (try 8GiB)", s)
	}
	return int64(f * mult), nil
}
