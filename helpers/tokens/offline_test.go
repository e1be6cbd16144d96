package tokens

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pkoukk/tiktoken-go"
)

// noNetwork is an http.RoundTripper that fails every request and counts them.
type noNetwork struct{ calls atomic.Int32 }

func (n *noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.calls.Add(1)
	return nil, errors.New("network disabled by the test: " + r.URL.String())
}

// withoutNetwork makes HTTP impossible for the rest of the test: proxies point at a closed port, the
// default transport fails every request (and counts them), and tiktoken-go's download cache is an empty
// folder.
func withoutNetwork(t *testing.T) *noNetwork {
	t.Helper()
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"} {
		t.Setenv(k, "http://127.0.0.1:9")
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("TIKTOKEN_CACHE_DIR", t.TempDir())
	n := &noNetwork{}
	old := http.DefaultTransport
	http.DefaultTransport = n
	t.Cleanup(func() { http.DefaultTransport = old })
	return n
}

func TestPkoukkTiktokenOffline(t *testing.T) {
	net := withoutNetwork(t)

	// Without the offline loader tiktoken-go tries to download, and fails here. (A failed load is not
	// cached, so the encoding can still load below.)
	tiktoken.SetBpeLoader(tiktoken.NewDefaultBpeLoader())
	if _, err := tiktoken.GetEncoding("r50k_base"); err == nil || net.calls.Load() == 0 {
		t.Fatalf("the default loader worked without the network (err %v, %d requests): the test proves nothing",
			err, net.calls.Load())
	}
	net.calls.Store(0)

	InstallOfflineLoader()
	g := readGolden(t)
	for _, name := range g.Encodings {
		tk, err := tiktoken.GetEncoding(name)
		if err != nil {
			t.Fatalf("tiktoken.GetEncoding(%q) with the offline loader: %v", name, err)
		}
		ours, _ := Get(name)
		for _, c := range g.Cases {
			if c.Hex != "" {
				continue // tiktoken-go does not define what it does with invalid UTF-8
			}
			got := tk.EncodeOrdinary(c.Text)
			if want := c.IDs[name]; !slices.Equal(got, want) {
				t.Errorf("tiktoken-go %s %s: %d ids, tiktoken %d", name, c.Name, len(got), len(want))
				continue
			}
			if !slices.Equal(got, ours.Encode(c.Text)) {
				t.Errorf("tiktoken-go %s %s: ids differ from ours", name, c.Name)
			}
		}
	}
	for model, want := range map[string][]int{
		"gpt-4o":           {12280, 553, 15885, 33306},
		"gpt-3.5-turbo":    {7009, 527, 12786, 19587},
		"text-davinci-003": {2990, 389, 4328, 2140},
		"davinci":          {2990, 389, 4328, 2140},
	} {
		tk, err := tiktoken.EncodingForModel(model)
		if err != nil {
			t.Fatalf("tiktoken.EncodingForModel(%q): %v", model, err)
		}
		if got := tk.Encode("They are splashing", nil, nil); !slices.Equal(got, want) {
			t.Errorf("tiktoken-go %s: %v, want %v", model, got, want)
		}
	}
	if n := net.calls.Load(); n != 0 {
		t.Errorf("the offline loader made %d HTTP requests", n)
	}
}

func TestOfflineLoaderRefusesUnknownFiles(t *testing.T) {
	for _, file := range []string{
		"https://openaipublic.blob.core.windows.net/encodings/o200k_harmony.tiktoken",
		"https://openaipublic.blob.core.windows.net/gpt-2/encodings/main/vocab.bpe",
		"",
	} {
		_, err := offlineLoader{}.LoadTiktokenBpe(file)
		if !errors.Is(err, ErrUnknownEncoding) || !strings.Contains(err.Error(), "never downloads") {
			t.Errorf("LoadTiktokenBpe(%q): err = %v", file, err)
		}
	}
	ranks, err := offlineLoader{}.LoadTiktokenBpe("/some/where/p50k_base.tiktoken")
	if err != nil || len(ranks) != 50280 || ranks["They"] != 2990 {
		t.Errorf("p50k_base: %d ranks, They=%d, err %v", len(ranks), ranks["They"], err)
	}
}
