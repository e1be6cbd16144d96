package goembed

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// tree writes files (name → content; a name ending in / is an empty folder) under a new folder.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPatterns(t *testing.T) {
	cases := []struct {
		args string
		want []string
		err  string
	}{
		{args: "hello.txt", want: []string{"hello.txt"}},
		{args: "  a.txt\tb/*.html  ", want: []string{"a.txt", "b/*.html"}},
		{args: `"with space.txt" ` + "`raw name`" + ` all:static`, want: []string{"with space.txt", "raw name", "all:static"}},
		{args: `"a\"b.txt"`, want: []string{`a"b.txt`}},
		{args: "", err: "usage"},
		{args: `"open`, err: "invalid quoted string"},
		{args: `"a"b`, err: "invalid quoted string"},
	}
	for _, c := range cases {
		got, err := Patterns(c.args)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Patterns(%q): %v, want an error with %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Patterns(%q) = %q, %v; want %q", c.args, got, err, c.want)
		}
	}
}

func TestResolve(t *testing.T) {
	dir := tree(t, map[string]string{"hello.txt": "hi", "static/a.css": "a", "static/.hidden": "h", "static/_draft": "d",
		"static/sub/b.js": "b", "static/other/go.mod": "module x", "static/other/c.txt": "c", "empty/": "", "onlyhidden/.x": "x"})
	cases := []struct {
		patterns []string
		want     []string
		err      string
	}{
		{patterns: []string{"hello.txt"}, want: []string{"hello.txt"}},
		{patterns: []string{"static"}, want: []string{"static/a.css", "static/sub/b.js"}},
		{patterns: []string{"all:static"}, want: []string{"static/.hidden", "static/_draft", "static/a.css", "static/sub/b.js"}},
		{patterns: []string{"static/.hidden"}, want: []string{"static/.hidden"}}, // named: embedded
		{patterns: []string{"*.txt", "hello.txt"}, want: []string{"hello.txt"}},
		{patterns: []string{"missing.txt"}, err: "pattern missing.txt: no matching files found"},
		{patterns: []string{"../x"}, err: "invalid pattern syntax"},
		{patterns: []string{"/etc/passwd"}, err: "invalid pattern syntax"},
		{patterns: []string{"a//b"}, err: "invalid pattern syntax"},
		{patterns: []string{"[x"}, err: "invalid pattern syntax"},
		{patterns: []string{"empty"}, err: "cannot embed directory empty: contains no embeddable files"},
		{patterns: []string{"onlyhidden"}, err: "contains no embeddable files"},
	}
	for _, c := range cases {
		got, err := Resolve(dir, c.patterns)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Resolve(%q): %v, want an error with %q", c.patterns, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Resolve(%q) = %q, %v; want %q", c.patterns, got, err, c.want)
		}
	}
}

func TestStringAndBytes(t *testing.T) {
	dir := tree(t, map[string]string{"hello.txt": "hello\n", "a/x": "1", "a/y": "2"})
	if s, err := String(dir, []string{"hello.txt"}); err != nil || s != "hello\n" {
		t.Errorf("String: %q, %v", s, err)
	}
	if b, err := Bytes(dir, []string{"hello.txt"}); err != nil || string(b) != "hello\n" {
		t.Errorf("Bytes: %q, %v", b, err)
	}
	if _, err := String(dir, []string{"a"}); err == nil || !strings.Contains(err.Error(), "multiple files") {
		t.Errorf("String of a folder: %v, want multiple files", err)
	}
}

// TestFS: the embed.FS passes the standard library's file system test, with the files and folders expected.
func TestFS(t *testing.T) {
	dir := tree(t, map[string]string{"hello.txt": "hello\n", "static/a.css": "a{}", "static/sub/b.js": "b()", "static/sub/deep/c": "c",
		"static/z.txt": "z", "static/sub2/d": "d"})
	fsys, err := FS(dir, []string{"hello.txt", "static"})
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "hello.txt", "static/a.css", "static/sub/b.js", "static/sub/deep/c", "static/z.txt", "static/sub2/d"); err != nil {
		t.Fatal(err)
	}
	data, err := fsys.ReadFile("static/sub/b.js")
	if err != nil || string(data) != "b()" {
		t.Errorf("ReadFile: %q, %v", data, err)
	}
	var walked []string
	if err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		walked = append(walked, p)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{".", "hello.txt", "static", "static/a.css", "static/sub", "static/sub/b.js", "static/sub/deep", "static/sub/deep/c", "static/sub2", "static/sub2/d", "static/z.txt"}
	if !slices.Equal(walked, want) {
		t.Errorf("walked %q, want %q", walked, want)
	}
	if _, err := fsys.Open("missing"); err == nil {
		t.Error("Open of a missing file succeeded")
	}
}

// TestResolveAsGoBuild: cases where go build (Go 1.26) was run on the same tree: a folder whose name has glob
// characters, a symbolic link to a folder outside (go build refuses files under it), version control
// folders under all:, names a module cannot hold.
func TestResolveAsGoBuild(t *testing.T) {
	outside := tree(t, map[string]string{"secret.txt": "secret"})
	root := tree(t, map[string]string{"w[1]/hello.txt": "hi", "w/hello.txt": "hi", "w/static/.git/config": "g",
		"w/static/sub/s.txt": "s", "w/odd/it's.txt": "q", "w/other/go.mod": "module y", "w/other/c.txt": "c"})
	dir := filepath.Join(root, "w")
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		dir      string
		patterns []string
		want     []string
		err      string
	}{
		{dir: "w[1]", patterns: []string{"hello.txt"}, want: []string{"hello.txt"}},
		{dir: "w[1]", patterns: []string{"*.txt"}, want: []string{"hello.txt"}},
		{dir: "w", patterns: []string{"all:static"}, want: []string{"static/sub/s.txt"}},
		{dir: "w", patterns: []string{"link/secret.txt"}, err: "pattern link/secret.txt: cannot embed file link/secret.txt: in non-directory link"},
		{dir: "w", patterns: []string{"link/*"}, err: "cannot embed file link/secret.txt: in non-directory link"},
		{dir: "w", patterns: []string{"link"}, err: "cannot embed irregular file link"},
		{dir: "w", patterns: []string{"odd"}, err: "pattern odd: cannot embed file odd/it's.txt: invalid name it's.txt"},
		{dir: "w", patterns: []string{"other/c.txt"}, err: "pattern other/c.txt: cannot embed file other/c.txt: in different module"},
		{dir: "w", patterns: []string{"other"}, err: "pattern other: cannot embed directory other: in different module"},
		{dir: "w", patterns: []string{"odd/*"}, err: "pattern odd/*: cannot embed file odd/it's.txt: invalid name it's.txt"},
	}
	for _, c := range cases {
		got, err := Resolve(filepath.Join(root, c.dir), c.patterns)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Resolve(%s, %q): %q, %v; want an error with %q", c.dir, c.patterns, got, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Resolve(%s, %q) = %q, %v; want %q", c.dir, c.patterns, got, err, c.want)
		}
	}
}
