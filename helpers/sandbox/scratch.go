package sandbox

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// makeScratch makes a new scratch folder, off a memory file system where it can: a temporary folder on tmpfs
// would hold the program's files in memory that the memory limit does not see.
func makeScratch() (string, error) {
	base := os.TempDir()
	if onTmpfs(base) {
		if cache, err := os.UserCacheDir(); err == nil {
			alt := filepath.Join(cache, "golm-sandbox")
			if err := os.MkdirAll(alt, 0o700); err == nil && !onTmpfs(alt) {
				base = alt
			}
		}
	}
	return os.MkdirTemp(base, "golm-sandbox-")
}

// removeTree removes a scratch folder whatever the program did to its permissions: a folder it made
// unreadable or unwritable (chmod 0) is made accessible again first, folder by folder.
func removeTree(dir string) error {
	if err := os.RemoveAll(dir); err == nil {
		return nil
	}
	var fix func(string)
	fix = func(d string) {
		_ = os.Chmod(d, 0o700) // the owner may always chmod; the program's files are ours
		entries, err := os.ReadDir(d)
		if err != nil {
			return
		}
		for _, e := range entries {
			if e.IsDir() {
				fix(filepath.Join(d, e.Name()))
			}
		}
	}
	fix(dir)
	return os.RemoveAll(dir)
}

// usage adds up the bytes and files under dir, stopping past maxFiles.
func usage(dir string, maxFiles int) (bytes int64, files int) {
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if path == dir {
			return nil
		}
		files++
		if files > maxFiles {
			return errors.New("stop")
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			bytes += info.Size()
		}
		return nil
	})
	return bytes, files
}
