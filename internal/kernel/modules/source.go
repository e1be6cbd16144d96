package modules

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
)

func runtimeVersion() string { return runtime.Version() }

// SourceEnv names the environment variable that points golm at its source tree, for building workers.
const SourceEnv = "GOLM_SOURCE"

// FindSource finds golm's source for building workers, in this order: the folder GOLM_SOURCE names; the
// folder this package was compiled from, if it still holds golm's go.mod (a binary built from a checkout,
// go build or go install ./cmd/golm, without -trimpath); a folder above the binary that holds golm's go.mod
// (make's bin/golm); the module version the binary was built as (go install
// github.com/golm-dev/golm/cmd/golm@VERSION), fetched from the module proxy.
func FindSource() (string, error) {
	if dir := os.Getenv(SourceEnv); dir != "" {
		if !isGolmRoot(dir) {
			return "", fmt.Errorf("%s=%s is not golm's source tree (no go.mod of %s there)", SourceEnv, dir, GolmModule)
		}
		return dir, nil
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		// file is .../internal/kernel/modules/source.go
		root := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(file))))
		if isGolmRoot(root) {
			return root, nil
		}
	}
	if exe, err := os.Executable(); err == nil { // bin/golm in a checkout, built with -trimpath
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
		for dir := filepath.Dir(exe); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			if isGolmRoot(dir) {
				return dir, nil
			}
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range append([]*debug.Module{&bi.Main}, bi.Deps...) {
			if m.Path == GolmModule && isVersion(m.Version) && m.Version != "(devel)" {
				return m.Version, nil
			}
		}
	}
	return "", fmt.Errorf("golm's source tree is not found: set %s to a checkout of %s (building a worker with "+
		"more modules compiles golm's worker with them)", SourceEnv, GolmModule)
}

func isGolmRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(first) == "module "+GolmModule
}

// SourceID identifies golm's source for the build cache: the version itself for a module version, and for
// a folder a hash of the names, sizes and modification times of its Go files, go.mod and go.sum (tests and
// testdata excluded), so that a changed checkout builds new workers.
func SourceID(source string) (string, error) {
	if isVersion(source) {
		return source, nil
	}
	h := sha256.New()
	err := filepath.WalkDir(source, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != source && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" ||
				name == "node_modules" || name == "build" || name == "bin" || name == "notebooks" || name == "lessons") {
				return filepath.SkipDir
			}
			return nil
		}
		if !(strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) && name != "go.mod" && name != "go.sum" &&
			!strings.HasSuffix(name, ".gz") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(source, path)
		fmt.Fprintf(h, "%s %d %d\n", rel, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("reading golm's source: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// WorkspaceEnv names the environment variable that chooses the workspace folder.
const WorkspaceEnv = "GOLM_WORKSPACE"

// DefaultDirs returns the workspace folder and the worker cache: GOLM_WORKSPACE if set, else a folder per
// notebook under the user's configuration folder (golm/workspaces/NAME-HASH, from the notebook path Jupyter
// gives the kernel in JPY_SESSION_NAME; golm/workspaces/default without one), and golm/workers under the
// user's cache folder.
func DefaultDirs() (workspace, cache string, err error) {
	cacheRoot, err := os.UserCacheDir()
	if err != nil {
		return "", "", fmt.Errorf("finding the cache folder: %w", err)
	}
	cache = filepath.Join(cacheRoot, "golm", "workers")
	if dir := os.Getenv(WorkspaceEnv); dir != "" {
		return dir, cache, nil
	}
	config, err := os.UserConfigDir()
	if err != nil {
		return "", "", fmt.Errorf("finding the configuration folder: %w", err)
	}
	name := "default"
	if nb := os.Getenv("JPY_SESSION_NAME"); nb != "" {
		if abs, err := filepath.Abs(nb); err == nil {
			nb = abs
		}
		sum := sha256.Sum256([]byte(nb))
		base := strings.TrimSuffix(filepath.Base(nb), filepath.Ext(nb))
		base = strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
				return r
			}
			return '_'
		}, base)
		name = base + "-" + hex.EncodeToString(sum[:4])
	}
	return filepath.Join(config, "golm", "workspaces", name), cache, nil
}

// BuildSettings returns the build tags, flags (-buildmode) and the cgo and architecture settings this binary
// was built with (from its build information), for building workers the same way: with the same settings
// the worker's build reuses the objects of golm's own build in Go's build cache.
func BuildSettings() (tags string, flags, env []string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", nil, nil
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "-tags":
			tags = s.Value
		case s.Key == "-buildmode" && s.Value != "exe":
			flags = append(flags, "-buildmode="+s.Value)
		case strings.HasPrefix(s.Key, "CGO_") || s.Key == "GOAMD64" || s.Key == "GOARM64" || s.Key == "GOARM":
			env = append(env, s.Key+"="+s.Value)
		}
	}
	return tags, flags, env
}
