package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// maxUnpacked caps what one archive may unpack to (a release is about 200 MB unpacked).
const maxUnpacked = 2 << 30

// Options says what to install where.
type Options struct {
	Source Source
	// Dest is golm's own folder: releases are unpacked into Dest/releases/VERSION-OS-ARCH and Dest/bin/golm
	// links to the installed binary.
	Dest string
	// GOOS and GOARCH pick the archive (default: this machine's).
	GOOS, GOARCH string

	// beforePlace, for tests, runs before the unpacked release is renamed into place.
	beforePlace func()
}

// Result says what Install did.
type Result struct {
	Manifest Manifest
	Archive  Archive
	Dir      string // the release's folder
	Binary   string // the golm binary in it
	Link     string // Dest/bin/golm, pointing at Binary
	// Already is true when this release was found installed, by an earlier install (then nothing was
	// downloaded) or by one that ran at the same time and put it in place first.
	Already bool
}

// stamp is the file, in an installed release's folder, that records the archive's SHA-256.
const stamp = ".golm-archive-sha256"

// Install downloads the release archive for the machine from o.Source, verifies it against the release's
// SHA256SUMS and manifest, checks that the machine can run it (CPU level; the binary runs and reports the
// manifest's version), and unpacks it under o.Dest/releases in one rename, then points o.Dest/bin/golm at
// it.
//
// On an error, or when ctx is cancelled, the download and the half-unpacked folder are removed, and so are the
// folders Install created if they are empty; an installed release of the same name is replaced only by the
// final rename. The one exception: if the rename succeeded and the link could not be updated, the new release
// is in place and bin/golm still points where it did. Leftovers of an install that was killed (.download-*,
// .incoming-*, *.old in o.Dest/releases) are removed by the next Install once they are an hour old, and so
// are the temporary links next to bin/golm (golm.tmp-PID-*), at once where the process PID has ended.
func Install(ctx context.Context, o Options) (Result, error) {
	if o.Dest == "" {
		return Result{}, errors.New("release: no destination folder")
	}
	releases := filepath.Join(o.Dest, "releases")
	removeStale(releases, time.Now().Add(-staleAfter))
	removeStaleLinks(filepath.Join(o.Dest, "bin", "golm"), time.Now().Add(-staleAfter))
	made := missingDirs(releases)
	r, err := install(ctx, o, releases)
	if err != nil {
		for _, d := range made {
			_ = os.Remove(d) // only if empty
		}
	}
	return r, err
}

// staleAfter is the age after which a temporary entry in the releases folder is taken to be left over by
// an install that was killed.
const staleAfter = time.Hour

// removeStale removes the temporary entries of the releases folder (downloads, half-unpacked folders, old
// folders moved aside) last changed before the time old.
func removeStale(releases string, old time.Time) {
	entries, err := os.ReadDir(releases)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, ".download-") && !strings.HasPrefix(name, ".incoming-") && !strings.HasSuffix(name, ".old") {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(old) {
			_ = os.RemoveAll(filepath.Join(releases, name))
		}
	}
}

// removeStaleLinks removes the temporary links that link left next to at when its process was killed between
// making the link and renaming it (at.tmp-PID-RANDOM): those of a process that is no longer running, and any
// last changed before the time old (the PID may have been reused). Only symbolic links are removed.
func removeStaleLinks(at string, old time.Time) {
	dir, prefix := filepath.Dir(at), filepath.Base(at)+".tmp-"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		pid, _, _ := strings.Cut(strings.TrimPrefix(name, prefix), "-")
		n, err := strconv.Atoi(pid)
		if info.ModTime().Before(old) || (err == nil && n > 0 && !processRuns(n)) {
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
}

// missingDirs lists dir and those of its parents that do not exist, deepest first.
func missingDirs(dir string) []string {
	var out []string
	for {
		if _, err := os.Lstat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return out
		}
		out = append(out, dir)
		parent := filepath.Dir(dir)
		if parent == dir {
			return out
		}
		dir = parent
	}
}

// installed reports whether dir holds the release whose archive has the given SHA-256.
func installed(dir, sha string) bool {
	old, err := os.ReadFile(filepath.Join(dir, stamp))
	return err == nil && strings.TrimSpace(string(old)) == strings.ToLower(sha)
}

func install(ctx context.Context, o Options, releases string) (Result, error) {
	if o.GOOS == "" {
		o.GOOS = runtime.GOOS
	}
	if o.GOARCH == "" {
		o.GOARCH = runtime.GOARCH
	}
	m, sums, err := o.Source.Manifest(ctx)
	if err != nil {
		return Result{}, err
	}
	a, err := m.For(o.GOOS, o.GOARCH)
	if err != nil {
		return Result{}, err
	}
	if o.GOARCH == runtime.GOARCH {
		if err := checkCPU(a.Requires.CPU); err != nil {
			return Result{}, fmt.Errorf("%s: %w", a.File, err)
		}
	}
	r := Result{Manifest: m, Archive: a, Dir: filepath.Join(releases, safeName(m.Version)+"-"+o.GOOS+"-"+o.GOARCH)}
	r.Binary = filepath.Join(r.Dir, "golm")
	r.Link = filepath.Join(o.Dest, "bin", "golm")

	if installed(r.Dir, a.SHA256) {
		r.Already = true
		return r, link(r.Binary, r.Link)
	}
	if err := os.MkdirAll(releases, 0o755); err != nil {
		return Result{}, fmt.Errorf("creating %s: %w", releases, err)
	}
	dl, err := os.CreateTemp(releases, ".download-*")
	if err != nil {
		return Result{}, fmt.Errorf("creating the download file: %w", err)
	}
	defer os.Remove(dl.Name())
	defer dl.Close()
	if err := o.Source.download(ctx, a, sums, dl); err != nil {
		return Result{}, err
	}
	tmp, err := os.MkdirTemp(releases, ".incoming-*")
	if err != nil {
		return Result{}, fmt.Errorf("creating a folder in %s: %w", releases, err)
	}
	defer os.RemoveAll(tmp) // gone after the rename below; removes a half-unpacked folder on error
	// MkdirTemp makes the folder for its owner only; the release must be readable by every user of the
	// machine (root installing for a JupyterHub's learners).
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Result{}, fmt.Errorf("making %s readable: %w", tmp, err)
	}
	if _, err := dl.Seek(0, io.SeekStart); err != nil {
		return Result{}, err
	}
	if err := unpack(ctxReader{ctx, dl}, strings.TrimSuffix(a.File, ".tar.gz"), tmp); err != nil {
		return Result{}, fmt.Errorf("unpacking %s: %w", a.File, err)
	}
	bin := filepath.Join(tmp, "golm")
	if st, err := os.Stat(bin); err != nil || !st.Mode().IsRegular() || st.Mode()&0o111 == 0 {
		return Result{}, fmt.Errorf("%s holds no executable golm", a.File)
	}
	if o.GOOS == runtime.GOOS && o.GOARCH == runtime.GOARCH {
		if err := checkRuns(ctx, bin, m.Version); err != nil {
			return Result{}, err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, stamp), []byte(strings.ToLower(a.SHA256)+"\n"), 0o644); err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	// Another install of the same release, running at the same time, may put its copy in place first, or
	// be swapping its copy in while this one tries (a rename then fails): a copy of this release in place is
	// as good as this one, and is left as it is.
	if o.beforePlace != nil {
		o.beforePlace()
	}
	for attempt := 1; ; attempt++ {
		if installed(r.Dir, a.SHA256) {
			r.Already = true
			return r, link(r.Binary, r.Link)
		}
		err := replaceDir(tmp, r.Dir)
		if err == nil {
			break
		}
		if attempt == 3 {
			return Result{}, err
		}
		select {
		case <-ctx.Done():
			return Result{}, ctx.Err()
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		}
	}
	return r, link(r.Binary, r.Link)
}

// unpack extracts a release archive whose files all lie in the folder top into dir (without top). Only
// folders and regular files are accepted, inside top.
func unpack(r io.Reader, top, dir string) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	var total int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(h.Name)
		rel, ok := strings.CutPrefix(name, top+"/")
		if name == top {
			continue
		}
		if !ok || rel == "" || strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
			return fmt.Errorf("entry %q lies outside %s/", h.Name, top)
		}
		target := filepath.Join(dir, filepath.FromSlash(rel))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			total += h.Size
			if total > maxUnpacked {
				return fmt.Errorf("archive unpacks to more than %d bytes", int64(maxUnpacked))
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, os.FileMode(h.Mode)&0o755|0o644)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, io.LimitReader(tr, h.Size)); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("entry %q is not a file or a folder (type %q)", h.Name, h.Typeflag)
		}
	}
}

// checkRuns runs the unpacked binary's version command: a binary that needs a newer C library, or a CPU
// it does not find, fails here rather than in Jupyter.
func checkRuns(ctx context.Context, bin, version string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "version")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the downloaded golm does not run on this machine (%v): %s", err, strings.TrimSpace(out.String()))
	}
	if got := strings.TrimSpace(out.String()); got != "golm "+version {
		return fmt.Errorf("the downloaded golm says %q, the manifest says version %s: the release is inconsistent", got, version)
	}
	return nil
}

// replaceDir renames tmp to dir; an older dir of the same name is moved aside first and removed after.
func replaceDir(tmp, dir string) error {
	var aside string
	if _, err := os.Lstat(dir); err == nil {
		aside = tmp + ".old"
		if err := os.Rename(dir, aside); err != nil {
			return fmt.Errorf("moving the old %s aside: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if aside != "" {
			_ = os.Rename(aside, dir)
		}
		return fmt.Errorf("installing %s: %w", dir, err)
	}
	if aside != "" {
		_ = os.RemoveAll(aside)
	}
	return nil
}

// link points the symbolic link at to target, replacing what was there in one rename.
func link(target, at string) error {
	if err := os.MkdirAll(filepath.Dir(at), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(at), err)
	}
	tmp := fmt.Sprintf("%s.tmp-%d-%x", at, os.Getpid(), rand.Uint64())
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("linking %s: %w", at, err)
	}
	if err := os.Rename(tmp, at); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("linking %s: %w", at, err)
	}
	return nil
}

// safeName makes a version usable as a folder name.
func safeName(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == '+':
			return r
		}
		return '_'
	}, v)
}

// ctxReader reads from r until ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// hashWriter writes to a file and hashes what it writes.
type hashWriter struct {
	w io.Writer
	h hash.Hash
}

func newHashWriter(w io.Writer) *hashWriter { return &hashWriter{w: w, h: sha256.New()} }

func (h *hashWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.h.Write(p[:n])
	return n, err
}

func (h *hashWriter) sum() string { return hex.EncodeToString(h.h.Sum(nil)) }
