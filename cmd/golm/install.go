package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/golm-dev/golm/internal/kernel/kernelspec"
	"github.com/golm-dev/golm/internal/release"
)

func runInstall(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// Ctrl-C or a SIGTERM cancels a release's download or unpacking, which then removes its files.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.Bool("user", false, "install for the current user (~/.local/share/jupyter/kernels)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the Python environment's prefix (conda, virtualenv)")
	prefix := fs.String("prefix", "", "install into `DIR`/share/jupyter/kernels")
	name := fs.String("name", kernelspec.Name, "kernelspec name")
	display := fs.String("display-name", "", "display name (default \"Go (golm)\")")
	binary := fs.String("binary", "", "the golm `PATH` kernel.json starts; a bare name (golm) is looked up on PATH when the kernel starts (default: this binary, or the release installed)")
	rel := fs.Bool("release", false, "download golm's prebuilt release for this machine, verify it and install it with its kernelspec")
	from := fs.String("from", "", "the release's base `URL` or folder (implies --release; default $"+release.URLEnv+", else "+release.DefaultURL+")")
	dest := fs.String("dest", "", "where --release unpacks releases (`DIR`/releases/VERSION-OS-ARCH, linked from DIR/bin/golm; default ~/.local/share/golm)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected %q", errUsage, fs.Arg(0))
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
	where := kernelspec.Where{User: *user, SysPrefix: *sysPrefix, Prefix: *prefix}

	// kernel.json and the bin/golm link must name absolute paths: Jupyter starts kernels from other folders.
	// A bare --binary name stays as it is: Jupyter looks it up on PATH (make dist's kernelspec is "golm").
	paths := []*string{dest}
	if strings.ContainsAny(*binary, "/"+string(filepath.Separator)) {
		paths = append(paths, binary)
	}
	for _, p := range paths {
		if *p != "" {
			abs, err := filepath.Abs(*p)
			if err != nil {
				return fmt.Errorf("%s: %w", *p, err)
			}
			*p = abs
		}
	}
	exe := *binary
	if *rel || *from != "" {
		if *binary != "" {
			return fmt.Errorf("%w: --binary and --release exclude each other", errUsage)
		}
		res, err := installRelease(ctx, *from, *dest, where, stdout)
		if err != nil {
			return err
		}
		exe = res.Binary
	}
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("finding the golm binary: %w", err)
		}
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
	}
	spec := kernelspec.NewSpec(exe, nil)
	if *display != "" {
		spec.DisplayName = *display
	}
	dir, err := kernelspec.Install(where, *name, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Installed kernelspec %s in %s\n", *name, dir)
	return nil
}

// installRelease downloads, verifies and unpacks a release (see package release). The kernelspec folder is
// checked first, so that a release is not unpacked for a kernelspec that cannot be written.
func installRelease(ctx context.Context, from, dest string, where kernelspec.Where, stdout io.Writer) (release.Result, error) {
	if from == "" {
		from = os.Getenv(release.URLEnv)
	}
	if from == "" {
		from = release.DefaultURL
	}
	if dest == "" {
		data := os.Getenv("XDG_DATA_HOME")
		if data == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return release.Result{}, fmt.Errorf("finding the home folder (or give --dest): %w", err)
			}
			data = filepath.Join(home, ".local", "share")
		}
		dest = filepath.Join(data, "golm")
	}
	kdir, err := where.Dir()
	if err != nil {
		return release.Result{}, err
	}
	undo, err := writable(kdir)
	if err != nil {
		return release.Result{}, fmt.Errorf("the kernelspec cannot be installed in %s (%w): try --user", kdir, err)
	}
	fmt.Fprintf(stdout, "Fetching golm's release from %s\n", from)
	if strings.HasPrefix(from, "http://") {
		fmt.Fprintf(stdout, "Warning: %s is not encrypted: the checksums catch damage on the way, but not a release changed on the way along with its checksums\n", from)
	}
	start := time.Now()
	res, err := release.Install(ctx, release.Options{
		Source: release.Source{Base: from, Client: &http.Client{Timeout: 15 * time.Minute}},
		Dest:   dest,
	})
	if err != nil {
		undo()
		return release.Result{}, err
	}
	a := res.Archive
	features := "without llama.cpp"
	if len(a.Features) > 0 {
		features = strings.Join(a.Features, ", ")
	}
	if res.Already {
		fmt.Fprintf(stdout, "golm %s (%s/%s, %s) is already installed in %s\n", res.Manifest.Version, a.OS, a.Arch, features, res.Dir)
	} else {
		fmt.Fprintf(stdout, "Installed golm %s (%s/%s, %s; %.1f MB, sha256 verified) in %s in %.1fs\n",
			res.Manifest.Version, a.OS, a.Arch, features, float64(a.Size)/1e6, res.Dir, time.Since(start).Seconds())
	}
	fmt.Fprintf(stdout, "%s links to it (add %s to PATH to run golm from a shell)\n", res.Link, filepath.Dir(res.Link))
	return res, nil
}

// writable reports whether files can be created in dir, creating it if needed; undo removes the folders
// it created, if they are still empty.
func writable(dir string) (undo func(), err error) {
	var made []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || !errors.Is(err, fs.ErrNotExist) || filepath.Dir(d) == d {
			break
		}
		made = append(made, d)
	}
	undo = func() {
		for _, d := range made {
			_ = os.Remove(d) // only if empty
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		undo()
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".golm-check-*")
	if err != nil {
		undo()
		return nil, err
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return nil, err
	}
	return undo, nil
}
