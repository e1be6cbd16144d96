package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testRelease is a release served by the tests: its files by name.
type testRelease map[string][]byte

// entry is one tar entry of a test archive.
type entry struct {
	name string
	body string
	mode int64
	typ  byte
}

// newRelease builds a release for this machine whose golm is a shell script answering `version` with the
// given output, and returns its files.
func newRelease(t *testing.T, version, says string, entries []entry) testRelease {
	t.Helper()
	top := "golm-" + runtime.GOOS + "-" + runtime.GOARCH
	if entries == nil {
		entries = []entry{
			{name: top + "/", typ: tar.TypeDir, mode: 0o755},
			{name: top + "/golm", body: "#!/bin/sh\necho '" + says + "'\n", mode: 0o755},
			{name: top + "/notebooks/01-tokens.ipynb", body: "{}", mode: 0o644},
		}
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Mode: e.mode, Typeflag: typ, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			h.Size = 0
		}
		if typ == tar.TypeSymlink {
			h.Linkname = e.body
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	archive := buf.Bytes()
	name := ArchiveName(runtime.GOOS, runtime.GOARCH)
	m := Manifest{Name: "golm", Version: version, Archives: []Archive{
		{File: name, OS: runtime.GOOS, Arch: runtime.GOARCH, Size: int64(len(archive)), SHA256: sha256Hex(archive)},
		{File: ArchiveName("plan9", "mips"), OS: "plan9", Arch: "mips", Size: 1, SHA256: strings.Repeat("0", 64)},
	}}
	r := testRelease{name: archive}
	r.setManifest(t, m)
	return r
}

// setManifest writes the manifest and SHA256SUMS for the archives in r.
func (r testRelease) setManifest(t *testing.T, m Manifest) {
	t.Helper()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	r[ManifestFile] = data
	var sums strings.Builder
	for name, b := range r {
		if name != SumsFile {
			fmt.Fprintf(&sums, "%s  %s\n", sha256Hex(b), name)
		}
	}
	r[SumsFile] = []byte(sums.String())
}

func (r testRelease) manifest(t *testing.T) Manifest {
	m, err := ParseManifest(r[ManifestFile])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// serve serves r; truncate names a file whose body is cut in half while its full length is declared.
func (r testRelease) serve(t *testing.T, truncate string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		name := strings.TrimPrefix(req.URL.Path, "/rel/")
		b, ok := r[name]
		if !ok {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		if name == truncate {
			w.Write(b[:len(b)/2])
			return // the server closes the connection short of the declared length
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/rel"
}

// leftovers lists what an installation left in dest.
func leftovers(t *testing.T, dest string) []string {
	var out []string
	filepath.Walk(dest, func(p string, info os.FileInfo, err error) error {
		if err == nil && p != dest {
			rel, _ := filepath.Rel(dest, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func TestInstall(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test release's golm is a shell script")
	}
	rel := newRelease(t, "v9.9.9", "golm v9.9.9", nil)
	dest := t.TempDir()
	ctx := context.Background()
	res, err := Install(ctx, Options{Source: Source{Base: rel.serve(t, "")}, Dest: dest})
	if err != nil {
		t.Fatal(err)
	}
	if res.Already || res.Manifest.Version != "v9.9.9" {
		t.Errorf("result %+v", res)
	}
	wantDir := filepath.Join(dest, "releases", "v9.9.9-"+runtime.GOOS+"-"+runtime.GOARCH)
	if res.Dir != wantDir || res.Binary != filepath.Join(wantDir, "golm") {
		t.Errorf("installed in %s (%s), want %s", res.Dir, res.Binary, wantDir)
	}
	if got, err := os.Readlink(filepath.Join(dest, "bin", "golm")); err != nil || got != res.Binary {
		t.Errorf("bin/golm links to %q (%v), want %s", got, err, res.Binary)
	}
	if _, err := os.Stat(filepath.Join(wantDir, "notebooks", "01-tokens.ipynb")); err != nil {
		t.Errorf("the notebooks were not unpacked: %v", err)
	}
	// Other users (a JupyterHub's learners, when root installed for everyone) must reach the release.
	if st, err := os.Stat(wantDir); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("release folder mode %v (%v), want 0755: other users could not run golm", st.Mode().Perm(), err)
	}
	got := leftovers(t, filepath.Join(dest, "releases"))
	for _, p := range got {
		if strings.HasPrefix(p, ".") {
			t.Errorf("temporary file left behind: %s", p)
		}
	}

	// Again, from a local folder holding the same files (a USB stick): already there, nothing downloaded.
	dir := t.TempDir()
	for name, b := range rel {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	delete(rel, ArchiveName(runtime.GOOS, runtime.GOARCH)) // the HTTP server no longer has it either
	again, err := Install(ctx, Options{Source: Source{Base: "file://" + dir}, Dest: dest})
	if err != nil || !again.Already {
		t.Errorf("second install: %+v, %v (want Already)", again, err)
	}
}

func TestInstallErrors(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test release's golm is a shell script")
	}
	top := "golm-" + runtime.GOOS + "-" + runtime.GOARCH
	tests := []struct {
		name     string
		release  func(t *testing.T) testRelease
		truncate string
		goarch   string
		want     string
	}{
		{name: "bad hash", want: "has sha256", release: func(t *testing.T) testRelease {
			r := newRelease(t, "v1", "golm v1", nil)
			m := r.manifest(t)
			a := r[m.Archives[0].File]
			a[len(a)-1] ^= 0xff // same length, other bytes; the manifest and SHA256SUMS keep the old hash
			return r
		}},
		{name: "truncated download", truncate: ArchiveName(runtime.GOOS, runtime.GOARCH), want: "truncated", release: func(t *testing.T) testRelease {
			return newRelease(t, "v1", "golm v1", nil)
		}},
		{name: "missing arch", goarch: "riscv64", want: "no release for " + runtime.GOOS + "/riscv64", release: func(t *testing.T) testRelease {
			return newRelease(t, "v1", "golm v1", nil)
		}},
		{name: "manifest changed after SHA256SUMS", want: "does not match SHA256SUMS", release: func(t *testing.T) testRelease {
			r := newRelease(t, "v1", "golm v1", nil)
			r[ManifestFile] = bytes.Replace(r[ManifestFile], []byte(`"v1"`), []byte(`"v2"`), 1)
			return r
		}},
		{name: "manifest and sums disagree", want: "disagree", release: func(t *testing.T) testRelease {
			r := newRelease(t, "v1", "golm v1", nil)
			m := r.manifest(t)
			m.Archives[0].SHA256 = strings.Repeat("ab", 32)
			name := m.Archives[0].File
			archive := r[name]
			r.setManifest(t, m)
			r[SumsFile] = bytes.Replace(r[SumsFile], []byte(strings.Repeat("ab", 32)), []byte(sha256Hex(archive)), 1)
			return r
		}},
		{name: "not a release", want: "SHA256SUMS", release: func(t *testing.T) testRelease {
			return testRelease{}
		}},
		{name: "entry outside its folder", want: "outside", release: func(t *testing.T) testRelease {
			return newRelease(t, "v1", "", []entry{{name: top + "/golm", body: "x", mode: 0o755}, {name: top + "/../evil", body: "x", mode: 0o644}})
		}},
		{name: "symbolic link", want: "not a file", release: func(t *testing.T) testRelease {
			return newRelease(t, "v1", "", []entry{{name: top + "/golm", body: "/bin/sh", typ: tar.TypeSymlink}})
		}},
		{name: "no binary", want: "no executable golm", release: func(t *testing.T) testRelease {
			return newRelease(t, "v1", "", []entry{{name: top + "/README.md", body: "x", mode: 0o644}})
		}},
		{name: "binary that does not run", want: "does not run on this machine", release: func(t *testing.T) testRelease {
			return newRelease(t, "v1", "", []entry{{name: top + "/golm", body: "#!/bin/sh\necho 'GLIBC_2.99 not found' >&2\nexit 1\n", mode: 0o755}})
		}},
		{name: "binary of another version", want: "inconsistent", release: func(t *testing.T) testRelease {
			return newRelease(t, "v1", "golm v0.9", nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dest := filepath.Join(parent, "golm")
			base := tt.release(t).serve(t, tt.truncate)
			_, err := Install(context.Background(), Options{Source: Source{Base: base}, Dest: dest, GOARCH: tt.goarch})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			// Nothing left: not even the folders Install created.
			for _, p := range leftovers(t, parent) {
				t.Errorf("left behind after the error: %s", p)
			}
		})
	}
}

// An install cancelled (Ctrl-C in golm install) leaves nothing behind.
func TestInstallCancelled(t *testing.T) {
	rel := newRelease(t, "v1", "golm v1", nil)
	parent := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Install(ctx, Options{Source: Source{Base: "file://" + rel.folder(t)}, Dest: filepath.Join(parent, "golm")})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	for _, p := range leftovers(t, parent) {
		t.Errorf("left behind after cancelling: %s", p)
	}
}

// folder writes r's files into a new folder and returns it.
func (r testRelease) folder(t *testing.T) string {
	dir := t.TempDir()
	for name, b := range r {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Temporary entries that a killed install left in the releases folder go once they are an hour old.
func TestInstallRemovesStale(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test release's golm is a shell script")
	}
	dest := t.TempDir()
	releases := filepath.Join(dest, "releases")
	old := time.Now().Add(-2 * time.Hour)
	entries := map[string]bool{ // name: stale
		".download-123":      true,
		".incoming-456":      true,
		".incoming-789.old":  true,
		".download-fresh":    false,
		".incoming-fresh":    false,
		"v0.1-linux-amd64":   false,
		"notes.txt":          false,
		".incoming-fresh.ol": false,
	}
	for name, stale := range entries {
		p := filepath.Join(releases, name)
		if strings.HasPrefix(name, ".incoming-") {
			if err := os.MkdirAll(filepath.Join(p, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
		} else if err := os.MkdirAll(releases, 0o755); err != nil {
			t.Fatal(err)
		} else if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if stale || name == "notes.txt" {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	rel := newRelease(t, "v1", "golm v1", nil)
	if _, err := Install(context.Background(), Options{Source: Source{Base: rel.folder(t)}, Dest: dest}); err != nil {
		t.Fatal(err)
	}
	for name, stale := range entries {
		_, err := os.Lstat(filepath.Join(releases, name))
		if gone := errors.Is(err, fs.ErrNotExist); gone != stale {
			t.Errorf("%s: removed %v, want %v", name, gone, stale)
		}
	}
}

// Several installs of the same release at once, each its own process (as golm install runs), all succeed:
// the ones that lose the race to the final rename find the release in place. (Goroutines would not do: a
// fork in one while another writes the binary makes exec fail with "text file busy", golang/go#22315.)
func TestInstallConcurrent(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test release's golm is a shell script")
	}
	rel := newRelease(t, "v1", "golm v1", nil)
	src := rel.folder(t)
	for round := 0; round < 3; round++ {
		dest, barrier := t.TempDir(), t.TempDir()
		cmds := make([]*exec.Cmd, 6)
		outs := make([]bytes.Buffer, len(cmds))
		for i := range cmds {
			cmds[i] = exec.Command(os.Args[0], "-test.run=^TestInstallProcess$")
			cmds[i].Env = append(os.Environ(), "GOLM_TEST_INSTALL="+strings.Join([]string{src, dest, barrier, fmt.Sprint(len(cmds))}, "\n"))
			cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
			if err := cmds[i].Start(); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Errorf("round %d, install %d: %v\n%s", round, i, err, outs[i].String())
			}
		}
		dir := filepath.Join(dest, "releases", "v1-"+runtime.GOOS+"-"+runtime.GOARCH)
		if _, err := os.Stat(filepath.Join(dir, "golm")); err != nil {
			t.Errorf("round %d: %v", round, err)
		}
		if got, err := os.Readlink(filepath.Join(dest, "bin", "golm")); err != nil || got != filepath.Join(dir, "golm") {
			t.Errorf("round %d: bin/golm links to %q (%v)", round, got, err)
		}
	}
}

// TestInstallProcess is one of TestInstallConcurrent's installs, run in a process of its own; run directly,
// it has nothing to do.
func TestInstallProcess(t *testing.T) {
	arg := os.Getenv("GOLM_TEST_INSTALL")
	if arg == "" {
		return
	}
	args := strings.Split(arg, "\n")
	src, dest, barrier := args[0], args[1], args[2]
	n, err := strconv.Atoi(args[3])
	if err != nil {
		t.Fatal(err)
	}
	// All the installs reach the final rename together.
	wait := func() {
		if err := os.WriteFile(filepath.Join(barrier, fmt.Sprint(os.Getpid())), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if entries, _ := os.ReadDir(barrier); len(entries) >= n {
				return
			}
		}
	}
	if _, err := Install(context.Background(), Options{Source: Source{Base: src}, Dest: dest, beforePlace: wait}); err != nil {
		t.Fatal(err)
	}
}

// A server that sends .gz files with Content-Encoding: gzip (Apache's AddEncoding x-gzip .gz): the archive
// must arrive as it is, not unpacked by the HTTP client.
func TestInstallContentEncoding(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test release's golm is a shell script")
	}
	rel := newRelease(t, "v1", "golm v1", nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		name := strings.TrimPrefix(req.URL.Path, "/")
		b, ok := rel[name]
		if !ok {
			http.NotFound(w, req)
			return
		}
		if strings.HasSuffix(name, ".gz") {
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	if _, err := Install(context.Background(), Options{Source: Source{Base: srv.URL}, Dest: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
}

func TestCheckCPU(t *testing.T) {
	if err := checkCPU(""); err != nil {
		t.Errorf("no requirement: %v", err)
	}
	if err := checkCPU("x86-64-v9"); err == nil || !strings.Contains(err.Error(), "does not know") {
		t.Errorf("unknown level: %v", err)
	}
}

func TestParseSums(t *testing.T) {
	h := strings.Repeat("0a", 32)
	tests := []struct {
		in   string
		want Sums
		err  string
	}{
		{in: h + "  a.tar.gz\n" + strings.ToUpper(h) + " *b.json\n\n", want: Sums{"a.tar.gz": h, "b.json": h}},
		{in: "xyz  a.tar.gz\n", err: "line 1"},
		{in: "\n", err: "empty"},
	}
	for _, tt := range tests {
		got, err := ParseSums([]byte(tt.in))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseSums(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("ParseSums(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

// TestParseManifest reads a manifest as scripts/dist.sh writes it (this one from a run with a stand-in nvcc).
func TestParseManifest(t *testing.T) {
	const dist = `{
  "name": "golm",
  "version": "e504ab5-dirty",
  "commit": "e504ab52936c95d60b07aa1d0e90a725362204c7",
  "go": "go1.26.8",
  "archives": [
    {"file": "golm-linux-amd64.tar.gz", "os": "linux", "arch": "amd64", "features": ["llama","cpu"], "requires": {"glibc":"2.34","cpu":"x86-64-v3"}, "size": 21437587, "sha256": "e38d14b548a175f9c74d3a1fccf5a3a62bdffa44160dd6ef410e989dfaf3f765",
     "note": "llama.cpp for CPU compiled in"},
    {"file": "golm-linux-arm64.tar.gz", "os": "linux", "arch": "arm64", "features": [], "requires": {}, "size": 16028948, "sha256": "caa14512b55cae152ce12289ee269ac0d2704306381385504b0e80875753ffdd",
     "note": "without llama.cpp"}
  ],
  "backends": [
    {"file": "golm-linux-amd64-cuda.tar.gz", "os": "linux", "arch": "amd64", "backend": "cuda", "cuda_architectures": "90", "size": 206, "sha256": "007eb1ace9c8345f34dc554d777a782eca320b02d1818e11cadc769e0f180f14",
     "note": "unpack, then export GOLM_GGML_BACKENDS=FOLDER/golm-linux-amd64-cuda/lib/libggml-cuda.so"}
  ],
  "skipped": [
    {"what": "golm-darwin-amd64.tar.gz", "reason": "a test"}
  ]
}`
	m, err := ParseManifest([]byte(dist))
	if err != nil {
		t.Fatal(err)
	}
	a, err := m.For("linux", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if a.Requires != (Requires{GLIBC: "2.34", CPU: "x86-64-v3"}) || len(a.Features) != 2 || a.Size != 21437587 {
		t.Errorf("linux/amd64: %+v", a)
	}
	if len(m.Backends) != 1 || m.Backends[0].CUDAArchitectures != "90" || len(m.Skipped) != 1 {
		t.Errorf("backends %+v, skipped %+v", m.Backends, m.Skipped)
	}
	if _, err := m.For("darwin", "arm64"); err == nil || !strings.Contains(err.Error(), "it has linux/amd64, linux/arm64") {
		t.Errorf("missing arch: %v", err)
	}
	for _, bad := range []string{
		`{"name": "other", "version": "v1", "archives": []}`,
		`{"name": "golm", "version": "v1", "archives": [{"file": "golm.tgz", "os": "linux", "arch": "amd64", "size": 1, "sha256": "` + strings.Repeat("0", 64) + `"}]}`,
		`{"name": "golm", "version": "v1", "archives": [{"file": "golm-linux-amd64.tar.gz", "os": "linux", "arch": "amd64", "size": 1, "sha256": "xyz"}]}`,
		`not json`,
	} {
		if _, err := ParseManifest([]byte(bad)); err == nil {
			t.Errorf("ParseManifest(%s) accepted it", bad)
		}
	}
}
