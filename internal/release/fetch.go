package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// maxSmallFile caps the manifest and SHA256SUMS (a few kilobytes in practice).
const maxSmallFile = 1 << 20

// Source is where a release's files are read: a base URL (http, https, or file) or a local folder.
type Source struct {
	Base   string
	Client *http.Client // nil: http.DefaultClient
}

// open returns the named file of the release and its length (-1 when the server does not say).
func (s Source) open(ctx context.Context, name string) (io.ReadCloser, int64, error) {
	base := strings.TrimRight(s.Base, "/")
	if dir, ok := localDir(base); ok {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, 0, fmt.Errorf("opening %s: %w", name, err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		return f, st.Size(), nil
	}
	u := base + "/" + url.PathEscape(name)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("release URL %q: %w", s.Base, err)
	}
	// The files as they are: a server that marks .gz files Content-Encoding: gzip (Apache's AddEncoding) would
	// otherwise have Go's transport unpack the archive on the way, and its checksum would not match.
	req.Header.Set("Accept-Encoding", "identity")
	c := s.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("downloading %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, 0, fmt.Errorf("downloading %s: %s", u, resp.Status)
	}
	return resp.Body, resp.ContentLength, nil
}

// localDir reports whether base names a folder (a path, or a file: URL) rather than an HTTP server.
func localDir(base string) (string, bool) {
	if strings.HasPrefix(base, "file://") {
		u, err := url.Parse(base)
		if err != nil {
			return "", false
		}
		return u.Path, true
	}
	if strings.HasPrefix(base, "http://") || strings.HasPrefix(base, "https://") {
		return "", false
	}
	return base, true
}

// readSmall reads a small file of the release whole.
func (s Source) readSmall(ctx context.Context, name string) ([]byte, error) {
	r, _, err := s.open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxSmallFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > maxSmallFile {
		return nil, fmt.Errorf("%s is larger than %d bytes: not a golm release", name, maxSmallFile)
	}
	return data, nil
}

// Manifest reads and verifies the release's manifest against its SHA256SUMS, and returns both.
func (s Source) Manifest(ctx context.Context) (Manifest, Sums, error) {
	sumsData, err := s.readSmall(ctx, SumsFile)
	if err != nil {
		return Manifest{}, nil, err
	}
	sums, err := ParseSums(sumsData)
	if err != nil {
		return Manifest{}, nil, err
	}
	data, err := s.readSmall(ctx, ManifestFile)
	if err != nil {
		return Manifest{}, nil, err
	}
	want, ok := sums[ManifestFile]
	if !ok {
		return Manifest{}, nil, fmt.Errorf("%s does not list %s", SumsFile, ManifestFile)
	}
	if got := sha256Hex(data); got != want {
		return Manifest{}, nil, fmt.Errorf("%s does not match %s (sha256 %s, expected %s): the release is damaged or was changed",
			ManifestFile, SumsFile, got, want)
	}
	m, err := ParseManifest(data)
	if err != nil {
		return Manifest{}, nil, err
	}
	return m, sums, nil
}

// download copies the archive a into the file f, checking its length and SHA-256 against the manifest and
// SHA256SUMS on the way.
func (s Source) download(ctx context.Context, a Archive, sums Sums, f *os.File) error {
	want, ok := sums[a.File]
	if !ok {
		return fmt.Errorf("%s does not list %s", SumsFile, a.File)
	}
	if want != strings.ToLower(a.SHA256) {
		return fmt.Errorf("%s and %s disagree on %s's sha256: the release is damaged", SumsFile, ManifestFile, a.File)
	}
	r, length, err := s.open(ctx, a.File)
	if err != nil {
		return err
	}
	defer r.Close()
	if length >= 0 && length != a.Size {
		return fmt.Errorf("%s is %d bytes on the server, the manifest says %d: the release is damaged", a.File, length, a.Size)
	}
	h := newHashWriter(f)
	n, err := io.Copy(h, io.LimitReader(ctxReader{ctx, r}, a.Size+1))
	switch {
	case err != nil && (errors.Is(err, io.ErrUnexpectedEOF) || n < a.Size):
		return fmt.Errorf("download of %s truncated after %d of %d bytes: %w", a.File, n, a.Size, err)
	case err != nil:
		return fmt.Errorf("downloading %s: %w", a.File, err)
	case n < a.Size:
		return fmt.Errorf("download of %s truncated: %d of %d bytes", a.File, n, a.Size)
	case n > a.Size:
		return fmt.Errorf("%s is larger than the %d bytes the manifest says: the release is damaged", a.File, a.Size)
	}
	if got := h.sum(); got != want {
		return fmt.Errorf("%s has sha256 %s, expected %s (%s): the download is damaged or the file was changed",
			a.File, got, want, SumsFile)
	}
	return nil
}
