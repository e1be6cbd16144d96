// Package goembed does for a notebook what the go command and the compiler do for //go:embed: it resolves
// the directive's patterns in a folder (the notebook's) with the go command's rules, and builds the
// string, []byte or embed.FS that a variable declared under the directive holds.
package goembed

import (
	"crypto/sha256"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Patterns parses the arguments of a //go:embed line: patterns separated by spaces, each possibly quoted
// ("..." or `...`), as the go command reads them.
func Patterns(args string) ([]string, error) {
	var out []string
	s := strings.TrimLeftFunc(args, unicode.IsSpace)
	for s != "" {
		var p string
		switch s[0] {
		case '"', '`':
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("invalid quoted string in //go:embed: %s", s)
			}
			p, _ = strconv.Unquote(q)
			s = s[len(q):]
			if s != "" && !unicode.IsSpace(rune(s[0])) {
				return nil, fmt.Errorf("invalid quoted string in //go:embed: %s", args)
			}
		default:
			i := strings.IndexFunc(s, unicode.IsSpace)
			if i < 0 {
				i = len(s)
			}
			p, s = s[:i], s[i:]
		}
		out = append(out, p)
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("usage: //go:embed pattern...")
	}
	return out, nil
}

// Resolve returns the files that the patterns name in dir, as slash-separated paths relative to it,
// sorted, with the go command's rules: a pattern is a path.Match glob of clean relative paths; a matched
// folder brings the files under it, but for names starting with . or _ (unless the pattern starts with
// all:) and folders of other modules; every pattern must match something embeddable.
func Resolve(dir string, patterns []string) ([]string, error) {
	dir = filepath.Clean(dir)
	seen := map[string]bool{}
	dirOK := map[string]bool{}
	var files []string
	for _, pattern := range patterns {
		glob, all := strings.CutPrefix(pattern, "all:")
		if _, err := path.Match(glob, ""); err != nil || !validPattern(glob) {
			return nil, fmt.Errorf("pattern %s: invalid pattern syntax", pattern)
		}
		matches, err := filepath.Glob(quoteGlob(strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator)) + filepath.FromSlash(glob))
		if err != nil {
			return nil, fmt.Errorf("pattern %s: %w", pattern, err)
		}
		n := 0
		for _, m := range matches {
			rel, err := filepath.Rel(dir, m)
			if err != nil {
				return nil, err
			}
			info, err := os.Lstat(m)
			if err != nil {
				return nil, fmt.Errorf("pattern %s: %w", pattern, err)
			}
			// As the go command: no file under a symbolic link, another module or a name a module cannot hold.
			what := "file"
			if info.IsDir() {
				what = "directory"
			}
			for d := m; len(d) > len(dir)+1 && !dirOK[d]; d = filepath.Dir(d) {
				if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
					return nil, fmt.Errorf("pattern %s: cannot embed %s %s: in different module", pattern, what, filepath.ToSlash(rel))
				}
				if d != m {
					if info, err := os.Lstat(d); err == nil && !info.IsDir() {
						return nil, fmt.Errorf("pattern %s: cannot embed %s %s: in non-directory %s", pattern, what, filepath.ToSlash(rel), filepath.ToSlash(d[len(dir)+1:]))
					}
				}
				dirOK[d] = true
				if elem := filepath.Base(d); isBadEmbedName(elem) {
					if d == m {
						return nil, fmt.Errorf("pattern %s: cannot embed %s %s: invalid name %s", pattern, what, filepath.ToSlash(rel), elem)
					}
					return nil, fmt.Errorf("pattern %s: cannot embed %s %s: in invalid directory %s", pattern, what, filepath.ToSlash(rel), elem)
				}
			}
			switch {
			case info.Mode().IsRegular():
				if !seen[rel] {
					seen[rel] = true
					files = append(files, filepath.ToSlash(rel))
				}
				n++
			case info.IsDir():
				count := 0
				err := filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
					if err != nil {
						return err
					}
					name := d.Name()
					hidden := strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
					if p != m && (isBadEmbedName(name) || hidden && !all) {
						switch {
						case d.IsDir():
							return filepath.SkipDir
						case hidden:
							return nil
						}
						r, _ := filepath.Rel(dir, p)
						return fmt.Errorf("cannot embed file %s: invalid name %s", filepath.ToSlash(r), name)
					}
					if d.IsDir() {
						if p != m {
							if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
								return filepath.SkipDir // another module
							}
						}
						return nil
					}
					if !d.Type().IsRegular() {
						return nil
					}
					r, _ := filepath.Rel(dir, p)
					if !seen[r] {
						seen[r] = true
						files = append(files, filepath.ToSlash(r))
					}
					count++
					return nil
				})
				if err != nil {
					return nil, fmt.Errorf("pattern %s: %w", pattern, err)
				}
				if count == 0 {
					return nil, fmt.Errorf("pattern %s: cannot embed directory %s: contains no embeddable files", pattern, filepath.ToSlash(rel))
				}
				n++
			default:
				return nil, fmt.Errorf("pattern %s: cannot embed irregular file %s", pattern, filepath.ToSlash(rel))
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("pattern %s: no matching files found", pattern)
		}
	}
	slices.Sort(files)
	return files, nil
}

// quoteGlob escapes the glob characters of a folder's name (the go command's str.QuoteGlob).
func quoteGlob(s string) string {
	if !strings.ContainsAny(s, `*?[]`) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '*', '?', '[', ']':
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// isBadEmbedName reports whether a file or folder name cannot be embedded, as the go command decides: a
// name that a module cannot hold (golang.org/x/mod/module.CheckFilePath) or a version control folder.
func isBadEmbedName(name string) bool {
	switch name {
	case "", ".bzr", ".hg", ".git", ".svn":
		return true
	}
	if !utf8.ValidString(name) || strings.Count(name, ".") == len(name) || strings.HasSuffix(name, ".") {
		return true
	}
	for _, r := range name {
		if r < utf8.RuneSelf {
			if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || strings.ContainsRune("!#$%&()+,-.=@[]^_{}~ ", r)) {
				return true
			}
		} else if !unicode.IsLetter(r) {
			return true
		}
	}
	short, _, _ := strings.Cut(name, ".")
	for _, bad := range []string{"CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
		"COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"} {
		if strings.EqualFold(bad, short) {
			return true
		}
	}
	return false
}

// validPattern reports whether a pattern is a clean relative path, as the go command requires.
func validPattern(p string) bool {
	if p == "" || p == "." || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) {
		return false
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
	}
	return true
}

// String returns the content of the one file that the patterns name in dir, for a string variable.
func String(dir string, patterns []string) (string, error) {
	b, err := Bytes(dir, patterns)
	return string(b), err
}

// Bytes returns the content of the one file that the patterns name in dir, for a []byte variable.
func Bytes(dir string, patterns []string) ([]byte, error) {
	files, err := Resolve(dir, patterns)
	if err != nil {
		return nil, err
	}
	if len(files) != 1 {
		return nil, fmt.Errorf("invalid go:embed: multiple files for type string or []byte (%d files)", len(files))
	}
	return os.ReadFile(filepath.Join(dir, filepath.FromSlash(files[0])))
}

// file is embed's file, whose layout the compiler knows (embed.go: "The compiler knows the layout of this
// struct"); FS builds the same.
type file struct {
	name string
	data string
	hash [16]byte
}

// fsLayout is embed.FS's layout: a pointer to the list of files.
type fsLayout struct{ files *[]file }

// FS returns an embed.FS of the files that the patterns name in dir, with their folders, as the compiler
// builds it: names "dir/elem" (a folder's with a trailing slash), sorted by folder, then by name.
func FS(dir string, patterns []string) (embed.FS, error) {
	var out embed.FS
	if unsafe.Sizeof(out) != unsafe.Sizeof(fsLayout{}) {
		return out, fmt.Errorf("go:embed: this Go's embed.FS is not laid out as golm expects")
	}
	names, err := Resolve(dir, patterns)
	if err != nil {
		return out, err
	}
	var files []file
	dirs := map[string]bool{}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return out, err
		}
		sum := sha256.Sum256(data)
		f := file{name: name, data: string(data)}
		copy(f.hash[:], sum[:16])
		files = append(files, f)
		for d := path.Dir(name); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
			files = append(files, file{name: d + "/"})
		}
	}
	slices.SortFunc(files, func(a, b file) int {
		adir, aelem := split(a.name)
		bdir, belem := split(b.name)
		if c := strings.Compare(adir, bdir); c != 0 {
			return c
		}
		return strings.Compare(aelem, belem)
	})
	(*fsLayout)(unsafe.Pointer(&out)).files = &files
	return out, nil
}

// split is embed's: the folder (. at the top) and the last element of a name, without a folder's slash.
func split(name string) (dir, elem string) {
	name = strings.TrimSuffix(name, "/")
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return ".", name
	}
	return name[:i], name[i+1:]
}
