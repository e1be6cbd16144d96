package hf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// hub imitates the Hugging Face Hub: /{repo}/resolve/{rev}/{file} answers a HEAD or GET with a redirect to
// /cdn/{file} carrying the LFS headers (X-Linked-Etag, X-Linked-Size), like the real Hub; the CDN serves the
// bytes with Range support. small files are served directly (no LFS).
type hub struct {
	mu       sync.Mutex
	files    map[string][]byte // by file name
	small    map[string][]byte
	gated    bool // requires the token "hf_good"
	dropOnce int  // the first GET of the CDN stops after this many bytes (0: never)
	badSHA   bool // advertise a wrong checksum
	ranges   []string
	cdnAuth  []string // Authorization headers seen by the CDN
	gets     int
	srv      *httptest.Server
}

func newHub(t *testing.T) *hub {
	h := &hub{files: map[string][]byte{}, small: map[string][]byte{}}
	h.srv = httptest.NewServer(h)
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if name, ok := strings.CutPrefix(r.URL.Path, "/cdn/"); ok {
		h.cdnAuth = append(h.cdnAuth, r.Header.Get("Authorization"))
		data := h.files[name]
		if r.Method == http.MethodGet {
			h.gets++
		}
		start := 0
		if rg := r.Header.Get("Range"); rg != "" {
			h.ranges = append(h.ranges, rg)
			fmt.Sscanf(rg, "bytes=%d-", &start)
			if start >= len(data) {
				w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
				return
			}
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(data)-1, len(data)))
			w.Header().Set("Content-Length", strconv.Itoa(len(data)-start))
			w.WriteHeader(http.StatusPartialContent)
		} else {
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.WriteHeader(http.StatusOK)
		}
		if r.Method == http.MethodHead {
			return
		}
		body := data[start:]
		if h.dropOnce > 0 && h.gets == 1 && h.dropOnce < len(body) {
			w.Write(body[:h.dropOnce])
			// Hijack and close to simulate a dropped connection.
			if hj, ok := w.(http.Hijacker); ok {
				if f, ok := w.(http.Flusher); ok {
					f.Flush()
				}
				conn, _, err := hj.Hijack()
				if err == nil {
					conn.Close()
				}
			}
			return
		}
		w.Write(body)
		return
	}
	// /{owner}/{name}/resolve/{rev}/{file}
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 5)
	if len(parts) != 5 || parts[2] != "resolve" || parts[0] != "org" || parts[1] != "model" {
		http.Error(w, "Repository Not Found", http.StatusNotFound)
		return
	}
	if h.gated && r.Header.Get("Authorization") != "Bearer hf_good" {
		http.Error(w, "Access to model org/model is restricted", http.StatusUnauthorized)
		return
	}
	file := parts[4]
	if data, ok := h.small[file]; ok {
		w.Header().Set("ETag", `"0123abcd"`) // a git blob id, not a SHA-256
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		if r.Method == http.MethodGet {
			w.Write(data)
		}
		return
	}
	data, ok := h.files[file]
	if !ok {
		http.Error(w, "Entry not found", http.StatusNotFound)
		return
	}
	sum := sha256.Sum256(data)
	etag := hex.EncodeToString(sum[:])
	if h.badSHA {
		etag = strings.Repeat("0", 64)
	}
	w.Header().Set("X-Linked-Etag", `"`+etag+`"`)
	w.Header().Set("X-Linked-Size", strconv.Itoa(len(data)))
	w.Header().Set("ETag", `W/"`+etag+`"`)
	w.Header().Set("Location", "/cdn/"+file)
	w.WriteHeader(http.StatusFound)
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

func opts(t *testing.T, h *hub) Options {
	return Options{Endpoint: h.srv.URL, CacheDir: t.TempDir(), Quiet: true}
}

func TestDownload(t *testing.T) {
	h := newHub(t)
	data := payload(3<<20 + 123)
	h.files["model.Q4_K_M.gguf"] = data
	o := opts(t, h)
	path, err := Download(context.Background(), "org/model", "model.Q4_K_M.gguf", o)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(o.CacheDir, "models", "org", "model", "main", "model.Q4_K_M.gguf")
	if path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, data) {
		t.Error("content differs")
	}
	if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
		t.Error(".part left behind")
	}
	// A second call finds the file in the cache and downloads nothing.
	gets := h.gets
	if p2, err := Download(context.Background(), "org/model", "model.Q4_K_M.gguf", o); err != nil || p2 != path ||
		h.gets != gets {
		t.Errorf("second download: %v, %d GETs", err, h.gets-gets)
	}
	// Offline (the Hub unreachable), the cached file is still found.
	o2 := o
	o2.Endpoint = "http://127.0.0.1:1"
	if p3, err := Download(context.Background(), "org/model", "model.Q4_K_M.gguf", o2); err != nil || p3 != path {
		t.Errorf("offline: %v", err)
	}
}

func TestResume(t *testing.T) {
	h := newHub(t)
	data := payload(2<<20 + 5)
	h.files["m.gguf"] = data
	h.dropOnce = 1 << 20 // the connection drops after 1 MiB
	o := opts(t, h)
	path, err := Download(context.Background(), "org/model", "m.gguf", o)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, data) {
		t.Error("content differs after resume")
	}
	if len(h.ranges) != 1 || !strings.HasPrefix(h.ranges[0], "bytes=") || h.ranges[0] == "bytes=0-" {
		t.Errorf("ranges %v", h.ranges)
	}
}

func TestResumeExistingPart(t *testing.T) {
	h := newHub(t)
	data := payload(100000)
	h.files["m.gguf"] = data
	o := opts(t, h)
	dest, _ := Path("org/model", "m.gguf", o)
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dest+".part", data[:40000], 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := Download(context.Background(), "org/model", "m.gguf", o)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, data) || len(h.ranges) != 1 || h.ranges[0] != "bytes=40000-" {
		t.Errorf("ranges %v, equal %v", h.ranges, bytes.Equal(got, data))
	}
	// A .part larger than the file is discarded.
	h.ranges = nil
	os.Remove(path)
	os.WriteFile(dest+".part", payload(200000), 0o644)
	if _, err := Download(context.Background(), "org/model", "m.gguf", o); err != nil || len(h.ranges) != 0 {
		t.Errorf("oversized part: %v %v", err, h.ranges)
	}
}

func TestChecksum(t *testing.T) {
	h := newHub(t)
	h.files["m.gguf"] = payload(5000)
	h.badSHA = true
	o := opts(t, h)
	o.Retries = -1
	_, err := Download(context.Background(), "org/model", "m.gguf", o)
	if err == nil || !errors.Is(err, errChecksum) || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("bad checksum: %v", err)
	}
	dest, _ := Path("org/model", "m.gguf", o)
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Error("a file with a bad checksum was kept")
	}
	if _, err := os.Stat(dest + ".part"); !os.IsNotExist(err) {
		t.Error("the bad .part was kept")
	}
	// The caller's checksum wins over the Hub's.
	h.badSHA = false
	o.SHA256 = strings.Repeat("ab", 32)
	if _, err := Download(context.Background(), "org/model", "m.gguf", o); !errors.Is(err, errChecksum) {
		t.Errorf("caller's checksum: %v", err)
	}
	sum := sha256.Sum256(h.files["m.gguf"])
	o.SHA256 = strings.ToUpper(hex.EncodeToString(sum[:]))
	if _, err := Download(context.Background(), "org/model", "m.gguf", o); err != nil {
		t.Errorf("right checksum: %v", err)
	}
}

func TestSmallFile(t *testing.T) {
	h := newHub(t)
	h.small["config.json"] = []byte(`{"a": 1}`)
	path, err := Download(context.Background(), "org/model", "config.json", opts(t, h))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != `{"a": 1}` {
		t.Errorf("content %q", got)
	}
}

func TestGatedAndMissing(t *testing.T) {
	h := newHub(t)
	h.files["m.gguf"] = payload(1000)
	h.gated = true
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HUGGING_FACE_HUB_TOKEN", "")
	o := opts(t, h)
	_, err := Download(context.Background(), "org/model", "m.gguf", o)
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "set HF_TOKEN") {
		t.Errorf("gated without a token: %v", err)
	}
	o.Token = "hf_bad"
	if _, err := Download(context.Background(), "org/model", "m.gguf", o); err == nil ||
		!strings.Contains(err.Error(), "accept the model's license") {
		t.Errorf("gated with a bad token: %v", err)
	}
	t.Setenv("HF_TOKEN", "hf_good")
	o.Token = ""
	if _, err := Download(context.Background(), "org/model", "m.gguf", o); err != nil {
		t.Errorf("gated with HF_TOKEN: %v", err)
	}
	// The token goes to the Hub, never to the CDN it redirects to... unless the CDN is the same host, as here.
	for _, a := range h.cdnAuth {
		if a != "" && a != "Bearer hf_good" {
			t.Errorf("CDN saw %q", a)
		}
	}
	for _, tt := range []struct{ repo, file, want string }{
		{"org/other", "m.gguf", "404"},
		{"org/model", "missing.gguf", "no such repository, revision or file"},
		{"../etc", "passwd", "invalid repository name"},
		{"org/model", "../../x", "invalid file name"},
		{"org/model", "/abs", "invalid file name"},
	} {
		if _, err := Download(context.Background(), tt.repo, tt.file, o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Download(%q, %q): %v, want %q", tt.repo, tt.file, err, tt.want)
		}
	}
}

func TestTokenNotSentToOtherHosts(t *testing.T) {
	cdn := newHub(t) // serves /cdn/ only
	cdn.files["m.gguf"] = payload(1000)
	sum := sha256.Sum256(cdn.files["m.gguf"])
	var hubAuth string
	hubSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hubAuth = r.Header.Get("Authorization")
		w.Header().Set("X-Linked-Etag", `"`+hex.EncodeToString(sum[:])+`"`)
		w.Header().Set("X-Linked-Size", "1000")
		w.Header().Set("Location", cdn.srv.URL+"/cdn/m.gguf")
		w.WriteHeader(http.StatusFound)
	}))
	defer hubSrv.Close()
	o := Options{Endpoint: hubSrv.URL, CacheDir: t.TempDir(), Quiet: true, Token: "hf_secret"}
	if _, err := Download(context.Background(), "org/model", "m.gguf", o); err != nil {
		t.Fatal(err)
	}
	if hubAuth != "Bearer hf_secret" {
		t.Errorf("the Hub got %q", hubAuth)
	}
	for _, a := range cdn.cdnAuth {
		if a != "" {
			t.Errorf("the CDN on another host got the token %q", a)
		}
	}
}

func TestCancel(t *testing.T) {
	h := newHub(t)
	h.files["m.gguf"] = payload(1000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Download(ctx, "org/model", "m.gguf", opts(t, h)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestProgressBar(t *testing.T) {
	h := newHub(t)
	h.files["m.gguf"] = payload(2<<20 + 1)
	o := opts(t, h)
	o.Quiet = false
	// Outside a notebook the progress bar writes text to standard output; capture it.
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	_, err := Download(context.Background(), "org/model", "m.gguf", o)
	w.Close()
	os.Stdout = stdout
	var out bytes.Buffer
	out.ReadFrom(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "m.gguf (MiB)") || !strings.Contains(out.String(), "3/3") ||
		!strings.Contains(out.String(), "done") {
		t.Errorf("progress output %q", out.String())
	}
}

func TestDefaults(t *testing.T) {
	t.Setenv("GOLM_CACHE", "")
	t.Setenv("HF_HOME", "/data/hf")
	if got := CacheDir(); got != filepath.Join("/data/hf", "golm") {
		t.Errorf("CacheDir with HF_HOME = %s", got)
	}
	t.Setenv("GOLM_CACHE", "/cache")
	if got := CacheDir(); got != "/cache" {
		t.Errorf("CacheDir with GOLM_CACHE = %s", got)
	}
	t.Setenv("HF_ENDPOINT", "https://mirror.example/")
	t.Setenv("HF_TOKEN", "hf_x")
	var o Options
	o.defaults()
	if o.Endpoint != "https://mirror.example" || o.Token != "hf_x" || o.Revision != "main" || o.Retries != 3 {
		t.Errorf("defaults %+v", o)
	}
	if got := URL("https://huggingface.co", "TheBloke/Llama-2-7B-Chat-GGUF", "main", "sub dir/a b.gguf"); got !=
		"https://huggingface.co/TheBloke/Llama-2-7B-Chat-GGUF/resolve/main/sub%20dir/a%20b.gguf" {
		t.Errorf("URL = %s", got)
	}
}

func ExampleURL() {
	fmt.Println(URL(DefaultEndpoint, "TheBloke/Llama-2-7B-Chat-GGUF", "main", "llama-2-7b-chat.Q4_K_M.gguf"))
	// Output: https://huggingface.co/TheBloke/Llama-2-7B-Chat-GGUF/resolve/main/llama-2-7b-chat.Q4_K_M.gguf
}
