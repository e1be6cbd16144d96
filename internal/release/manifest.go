// Package release fetches, verifies and unpacks golm's prebuilt releases: the archives, SHA256SUMS and
// manifest.json that `make dist` (scripts/dist.sh) writes, served from a base URL (GitHub's release
// downloads, any HTTP server) or a local folder.
package release

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The files of a release besides its archives.
const (
	ManifestFile = "manifest.json"
	SumsFile     = "SHA256SUMS"
)

// DefaultURL is where golm's releases are published: GitHub's link to the latest release's files.
const DefaultURL = "https://github.com/golm-dev/golm/releases/latest/download"

// URLEnv names the environment variable that replaces DefaultURL.
const URLEnv = "GOLM_RELEASE_URL"

// ArchiveName is the file name of the archive for an operating system and architecture
// ("golm-linux-amd64.tar.gz"); the archive holds one folder of the same name without ".tar.gz".
func ArchiveName(goos, goarch string) string { return "golm-" + goos + "-" + goarch + ".tar.gz" }

// Manifest describes a release: its version and one entry per archive.
type Manifest struct {
	Name     string    `json:"name"`
	Version  string    `json:"version"`
	Commit   string    `json:"commit,omitempty"`
	Go       string    `json:"go,omitempty"`
	Archives []Archive `json:"archives"`
	// Backends are ggml backends shipped as files of their own (the CUDA backend), where they were built.
	Backends []Backend `json:"backends,omitempty"`
	// Skipped lists what make dist did not build, and why (CUDA backends without nvcc).
	Skipped []Skipped `json:"skipped,omitempty"`
}

// Archive is one archive of a release.
type Archive struct {
	File     string   `json:"file"`
	OS       string   `json:"os"`
	Arch     string   `json:"arch"`
	Features []string `json:"features"` // "llama" (llama.cpp linked in), "cpu" (its CPU backend)
	Requires Requires `json:"requires"`
	Size     int64    `json:"size"`
	SHA256   string   `json:"sha256"`
	Note     string   `json:"note,omitempty"`
}

// Requires is what an archive's binary needs of the machine.
type Requires struct {
	GLIBC string `json:"glibc,omitempty"` // the newest glibc symbol version the binary links ("2.34")
	CPU   string `json:"cpu,omitempty"`   // the x86-64 micro-architecture level llama.cpp was compiled for
}

// Backend is a ggml backend of a release, loaded by golm at run time (GOLM_GGML_BACKENDS names its library).
type Backend struct {
	File              string `json:"file"`
	OS                string `json:"os"`
	Arch              string `json:"arch"`
	Backend           string `json:"backend"`                      // "cuda"
	CUDAArchitectures string `json:"cuda_architectures,omitempty"` // the GPU generations compiled for ("75;80;86;89;90")
	Size              int64  `json:"size"`
	SHA256            string `json:"sha256"`
	Note              string `json:"note,omitempty"`
}

// Skipped is a part of a release that was not built.
type Skipped struct {
	What   string `json:"what"`
	Reason string `json:"reason"`
}

// ParseManifest decodes and checks a manifest.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("reading %s: %w", ManifestFile, err)
	}
	if m.Name != "golm" || m.Version == "" {
		return Manifest{}, fmt.Errorf("%s is not a golm release manifest (name %q, version %q)", ManifestFile, m.Name, m.Version)
	}
	for _, a := range m.Archives {
		if a.File != ArchiveName(a.OS, a.Arch) || a.Size <= 0 || !isSHA256(a.SHA256) {
			return Manifest{}, fmt.Errorf("%s: bad entry for %s/%s (file %q, size %d, sha256 %q)", ManifestFile, a.OS, a.Arch, a.File, a.Size, a.SHA256)
		}
	}
	return m, nil
}

// For returns the archive for an operating system and architecture, or an error that lists the ones there are.
func (m Manifest) For(goos, goarch string) (Archive, error) {
	var have []string
	for _, a := range m.Archives {
		if a.OS == goos && a.Arch == goarch {
			return a, nil
		}
		have = append(have, a.OS+"/"+a.Arch)
	}
	slices.Sort(have)
	return Archive{}, fmt.Errorf("golm %s has no release for %s/%s (it has %s): build it from source instead",
		m.Version, goos, goarch, strings.Join(have, ", "))
}

// Sums is a parsed SHA256SUMS file: file name to lower-case hex digest.
type Sums map[string]string

// ParseSums reads the output of sha256sum ("HEX  NAME" or "HEX *NAME" per line).
func ParseSums(data []byte) (Sums, error) {
	s := Sums{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, " ")
		name = strings.TrimPrefix(strings.TrimLeft(name, " "), "*")
		if !ok || !isSHA256(sum) || name == "" {
			return nil, fmt.Errorf("%s line %d is not \"SHA256  FILE\": %q", SumsFile, n, line)
		}
		s[name] = strings.ToLower(sum)
	}
	if len(s) == 0 {
		return nil, fmt.Errorf("%s is empty", SumsFile)
	}
	return s, nil
}

func isSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}
