// Package hf downloads model files from the Hugging Face Hub into a local cache, with a progress bar, resume
// of interrupted downloads and checksum verification.
//
//	path, err := hf.Download(ctx, "TheBloke/Llama-2-7B-Chat-GGUF", "llama-2-7b-chat.Q4_K_M.gguf", hf.Options{})
//
// Files come from {endpoint}/{repo}/resolve/{revision}/{file}. Gated models (Llama 2, Gemma, …) need an access
// token from https://huggingface.co/settings/tokens in HF_TOKEN, and the model's license accepted on its page.
// Large files are stored with Git LFS, and the Hub sends their SHA-256 (X-Linked-Etag); the download is
// verified against it, or against Options.SHA256.
package hf

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/golm-dev/golm/helpers/display"
)

// DefaultEndpoint is the Hugging Face Hub.
const DefaultEndpoint = "https://huggingface.co"

// Options configures Download. The zero value downloads the main revision from the Hub, with HF_TOKEN if set,
// into CacheDir(), showing a progress bar.
type Options struct {
	// Revision is a branch, tag or commit (default "main").
	Revision string
	// Token is a Hugging Face access token for gated or private repositories (default: $HF_TOKEN, or
	// $HUGGING_FACE_HUB_TOKEN).
	Token string
	// Endpoint is the Hub's address (default: $HF_ENDPOINT, or https://huggingface.co), for mirrors and tests.
	Endpoint string
	// CacheDir is where files are stored (default: CacheDir()).
	CacheDir string
	// SHA256 is the expected checksum in hex; when empty, the Hub's checksum of an LFS file is used, and a
	// small non-LFS file is not verified.
	SHA256 string
	// Quiet hides the progress bar.
	Quiet bool
	// Client makes the requests (default: a client without a timeout, since models take minutes).
	Client *http.Client
	// Retries is how many times an interrupted download resumes before giving up (default 3; -1: never).
	Retries int
}

// CacheDir returns the default cache folder: $GOLM_CACHE, or $HF_HOME/golm when HF_HOME is set, or golm in the
// user's cache folder (~/.cache/golm on Linux).
func CacheDir() string {
	if d := os.Getenv("GOLM_CACHE"); d != "" {
		return d
	}
	if d := os.Getenv("HF_HOME"); d != "" {
		return filepath.Join(d, "golm")
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "golm")
	}
	return filepath.Join(os.TempDir(), "golm-cache")
}

func (o *Options) defaults() {
	if o.Revision == "" {
		o.Revision = "main"
	}
	if o.Token == "" {
		o.Token = os.Getenv("HF_TOKEN")
	}
	if o.Token == "" {
		o.Token = os.Getenv("HUGGING_FACE_HUB_TOKEN")
	}
	if o.Endpoint == "" {
		o.Endpoint = os.Getenv("HF_ENDPOINT")
	}
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	o.Endpoint = strings.TrimRight(o.Endpoint, "/")
	if o.CacheDir == "" {
		o.CacheDir = CacheDir()
	}
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	o.SHA256 = strings.ToLower(strings.TrimSpace(o.SHA256))
}

// URL returns the download address of a file: {endpoint}/{repo}/resolve/{revision}/{file}.
func URL(endpoint, repo, revision, file string) string {
	return strings.TrimRight(endpoint, "/") + "/" + escapePath(repo) + "/resolve/" + url.PathEscape(revision) +
		"/" + escapePath(file)
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// validName checks a repository or file name: relative, slash-separated, without "." or ".." parts.
func validName(kind, s string) error {
	if s == "" {
		return fmt.Errorf("hf: empty %s name", kind)
	}
	if strings.HasPrefix(s, "/") || strings.Contains(s, "\\") || strings.ContainsRune(s, 0) {
		return fmt.Errorf("hf: invalid %s name %q", kind, s)
	}
	for _, part := range strings.Split(s, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("hf: invalid %s name %q", kind, s)
		}
	}
	return nil
}

// Path returns where Download stores a file: {cache}/models/{repo}/{revision}/{file}.
func Path(repo, file string, opts Options) (string, error) {
	opts.defaults()
	if err := validName("repository", repo); err != nil {
		return "", err
	}
	if err := validName("file", file); err != nil {
		return "", err
	}
	if err := validName("revision", opts.Revision); err != nil {
		return "", err
	}
	return filepath.Join(opts.CacheDir, "models", filepath.FromSlash(repo), filepath.FromSlash(opts.Revision),
		filepath.FromSlash(file)), nil
}

// remote is what a HEAD request tells about a file.
type remote struct {
	url    string // where to GET it (after the Hub's redirect)
	size   int64  // -1 when unknown
	sha256 string // "" when unknown
}

// Download fetches a file of a Hugging Face repository into the cache, unless it is there already, and returns
// its path. An interrupted download leaves a .part file that the next call resumes.
func Download(ctx context.Context, repo, file string, opts Options) (string, error) {
	opts.defaults()
	dest, err := Path(repo, file, opts)
	if err != nil {
		return "", err
	}
	src := URL(opts.Endpoint, repo, opts.Revision, file)
	rem, headErr := head(ctx, src, opts)
	if st, err := os.Stat(dest); err == nil {
		if headErr != nil || rem.size < 0 || rem.size == st.Size() {
			return dest, nil // downloaded (and verified) earlier; offline or unchanged
		}
		// The remote file changed size: download it again.
	}
	if headErr != nil {
		return "", headErr
	}
	want := opts.SHA256
	if want == "" {
		want = rem.sha256
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", fmt.Errorf("hf: %w", err)
	}
	part := dest + ".part"
	var bar *display.Progress
	total := 0
	if !opts.Quiet {
		label := path.Base(file)
		if rem.size > 0 {
			total = int((rem.size + 1<<20 - 1) >> 20)
			label += " (MiB)"
		}
		bar = display.NewProgress(label, total)
	}
	var lastErr error
	for attempt := 0; attempt <= max(opts.Retries, 0); attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(time.Duration(attempt) * 500 * time.Millisecond):
			}
		}
		lastErr = fetch(ctx, rem, part, opts, bar)
		if lastErr == nil || !retryable(lastErr) || ctx.Err() != nil {
			break
		}
	}
	if bar != nil {
		if lastErr == nil {
			bar.Set(total)
		}
		bar.Done()
	}
	if lastErr != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("hf: download of %s stopped (run again to resume): %w", file, ctx.Err())
		}
		return "", lastErr
	}
	if err := verify(part, rem.size, want); err != nil {
		_ = os.Remove(part)
		return "", fmt.Errorf("hf: %s: %w", file, err)
	}
	if err := os.Rename(part, dest); err != nil {
		return "", fmt.Errorf("hf: %w", err)
	}
	return dest, nil
}

// httpError is an error status from the server.
type httpError struct {
	status int
	msg    string
}

// Error returns the message.
func (e *httpError) Error() string { return e.msg }

func retryable(err error) bool {
	var he *httpError
	if errors.As(err, &he) {
		return he.status >= 500 || he.status == http.StatusTooManyRequests
	}
	return !errors.Is(err, errChecksum)
}

var errChecksum = errors.New("checksum mismatch")

func statusError(u string, resp *http.Response, hasToken bool) error {
	msg := fmt.Sprintf("hf: %s: %s", u, resp.Status)
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		if hasToken {
			msg += ": the token has no access to this repository: accept the model's license on its Hugging Face page, " +
				"or check the token's permissions"
		} else {
			msg += ": this repository is gated or private: accept its license on Hugging Face and set HF_TOKEN to an " +
				"access token (https://huggingface.co/settings/tokens)"
		}
	case http.StatusNotFound:
		msg += ": no such repository, revision or file (names are case-sensitive)"
	}
	return &httpError{status: resp.StatusCode, msg: msg}
}

func newRequest(ctx context.Context, method, u string, opts Options, withToken bool) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, fmt.Errorf("hf: %w", err)
	}
	req.Header.Set("User-Agent", "golm/1 (+https://github.com/golm-dev/golm)")
	if withToken && opts.Token != "" {
		req.Header.Set("Authorization", "Bearer "+opts.Token)
	}
	return req, nil
}

// head asks the Hub for a file's size, checksum and download address, without following its redirect, whose
// headers carry the LFS checksum.
func head(ctx context.Context, src string, opts Options) (remote, error) {
	client := *opts.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := newRequest(ctx, http.MethodHead, src, opts, true)
	if err != nil {
		return remote{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return remote{}, fmt.Errorf("hf: %w", err)
	}
	resp.Body.Close()
	r := remote{url: src, size: -1}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		loc, err := resp.Location()
		if err != nil {
			return remote{}, fmt.Errorf("hf: %s: redirect without a location", src)
		}
		r.url = loc.String()
	case resp.StatusCode == http.StatusOK:
	default:
		return remote{}, statusError(src, resp, opts.Token != "")
	}
	if n, err := strconv.ParseInt(resp.Header.Get("X-Linked-Size"), 10, 64); err == nil {
		r.size = n
	} else if resp.StatusCode == http.StatusOK && resp.ContentLength >= 0 {
		r.size = resp.ContentLength
	}
	for _, h := range []string{"X-Linked-Etag", "ETag"} {
		if e := normEtag(resp.Header.Get(h)); isSHA256(e) {
			r.sha256 = e
			break
		}
	}
	return r, nil
}

func normEtag(e string) string {
	e = strings.TrimPrefix(strings.TrimSpace(e), "W/")
	return strings.ToLower(strings.Trim(e, `"`))
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// fetch downloads rem into part, resuming from its current size.
func fetch(ctx context.Context, rem remote, part string, opts Options, bar *display.Progress) error {
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("hf: %w", err)
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("hf: %w", err)
	}
	if rem.size >= 0 && have == rem.size {
		return nil // complete
	}
	if rem.size >= 0 && have > rem.size {
		if err := f.Truncate(0); err != nil {
			return fmt.Errorf("hf: %w", err)
		}
		have = 0
	}
	// Send the token only to the Hub itself, not to the storage a redirect points to.
	sameHost := false
	if a, err1 := url.Parse(rem.url); err1 == nil {
		if b, err2 := url.Parse(opts.Endpoint); err2 == nil {
			sameHost = a.Host == b.Host
		}
	}
	req, err := newRequest(ctx, http.MethodGet, rem.url, opts, sameHost)
	if err != nil {
		return err
	}
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
	}
	resp, err := opts.Client.Do(req)
	if err != nil {
		return fmt.Errorf("hf: %w", err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusPartialContent:
		var start int64
		if _, err := fmt.Sscanf(resp.Header.Get("Content-Range"), "bytes %d-", &start); err != nil || start != have {
			return fmt.Errorf("hf: the server resumed at %q, not at byte %d", resp.Header.Get("Content-Range"), have)
		}
	case http.StatusOK:
		// A full answer: start again.
		if err := f.Truncate(0); err != nil {
			return fmt.Errorf("hf: %w", err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("hf: %w", err)
		}
		have = 0
	case http.StatusRequestedRangeNotSatisfiable:
		if err := f.Truncate(0); err != nil {
			return fmt.Errorf("hf: %w", err)
		}
		return &httpError{status: 500, msg: "hf: the server refused to resume; starting again"}
	default:
		return statusError(rem.url, resp, opts.Token != "" && sameHost)
	}
	pw := &progressWriter{w: f, n: have, bar: bar}
	pw.report()
	if _, err := io.Copy(pw, resp.Body); err != nil {
		return fmt.Errorf("hf: download interrupted at byte %d: %w", pw.n, err)
	}
	if rem.size >= 0 && pw.n < rem.size {
		return fmt.Errorf("hf: download ended at byte %d of %d", pw.n, rem.size)
	}
	return nil
}

type progressWriter struct {
	w   io.Writer
	n   int64
	bar *display.Progress
}

// Write writes b and advances the progress bar.
func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.n += int64(n)
	p.report()
	return n, err
}

func (p *progressWriter) report() {
	if p.bar != nil {
		p.bar.Set(int(p.n >> 20))
	}
}

// verify checks a downloaded file's size and SHA-256.
func verify(file string, size int64, sha string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	if size >= 0 && n != size {
		return fmt.Errorf("size %d, expected %d", n, size)
	}
	if sha == "" {
		return nil
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha {
		return fmt.Errorf("%w: SHA-256 %s, expected %s (the partial file was removed; download again)", errChecksum,
			got, sha)
	}
	return nil
}
