package weaviate_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/rag"
	"github.com/golm-dev/golm/helpers/rag/weaviate"
)

// hashedWords embeds a text as its words hashed into dim signed buckets (feature hashing): deterministic,
// and close enough to a model for rankings with real differences between chunks.
func hashedWords(dim int) rag.Embedder {
	return rag.EmbedFunc("hashed-words", func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, t := range texts {
			v := make([]float32, dim)
			v[0] = 0.01 // never all zero
			for _, w := range rag.Words(t) {
				h := fnv.New32a()
				h.Write([]byte(w))
				s := h.Sum32()
				sign := float32(1)
				if s&1 == 1 {
					sign = -1
				}
				v[(s>>1)%uint32(dim)] += sign
			}
			out[i] = v
		}
		return out, nil
	})
}

// Lesson 05's evaluation questions about the handbook, and two more of its queries.
var handbookQueries = []string{
	"How many days of paid holiday do members get?",
	"Who should I call when I'm sick?",
	"How much is a full service?",
	"Can a customer bring back a used part?",
	"How long is a repair guaranteed?",
	"What is the staff wifi called?",
	"Where do I find the BK-220?",
	"When are you open on Saturday?",
	"Is there a reduction for students?",
	"When does the nightly backup happen?",
	"What must I wear to use the grinder?",
	"How early do I have to ask for a day off?",
	"Where is the BK-220?",
	"Who do I tell when I am feeling unwell?",
}

func dot(a, b []float32) float64 {
	var s, na, nb float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return s / math.Sqrt(na*nb)
}

// sameTop checks that got (from Weaviate) ranks like want (from rag.Index): rank by rank the same score,
// and the same id unless the scores tie (then got's item must really have that score: cosines holds every
// item's exact cosine with the query). It returns how many ranks had the same id.
func sameTop(t *testing.T, what string, got, want []rag.Result, cosines map[string]float64) int {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d results from Weaviate, %d from the index", what, len(got), len(want))
		return 0
	}
	same := 0
	for i := range want {
		g, w := got[i], want[i]
		if math.Abs(float64(g.Score-w.Score)) > 1e-5 {
			t.Errorf("%s: rank %d: Weaviate %q %.6f, index %q %.6f", what, i+1, g.ID, g.Score, w.ID, w.Score)
			continue
		}
		if g.ID == w.ID {
			same++
			if !reflect.DeepEqual(g.Metadata, w.Metadata) {
				t.Errorf("%s: %q: metadata %v, want %v", what, g.ID, g.Metadata, w.Metadata)
			}
			continue
		}
		if c, ok := cosines[g.ID]; !ok || math.Abs(c-float64(w.Score)) > 1e-5 {
			t.Errorf("%s: rank %d: Weaviate %q (cosine %.6f), index %q %.6f", what, i+1, g.ID, c, w.ID, w.Score)
		}
	}
	return same
}

// TestSameTopResultsAsIndex indexes lesson 05's handbook through rag.Dense into Weaviate (HNSW and flat
// collections) and into rag.Index, and checks that both rank the same chunks first for the lesson's
// questions, with and without metadata filters. It logs the latency of a store's search (the query's
// vector given) for both.
func TestSameTopResultsAsIndex(t *testing.T) {
	url := needServer(t)
	ctx := context.Background()
	docs, err := rag.LoadDir(ctx, "../../../notebooks/data/handbook")
	if err != nil {
		t.Fatal(err)
	}
	emb := hashedWords(384)
	for _, tc := range []struct {
		name string
		size int
		flat bool
	}{
		{"Handbook128", 128, false},
		{"Handbook32", 32, false},
		{"Handbook32Flat", 32, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chunks, err := rag.SplitAll(docs, rag.SplitOptions{MaxTokens: tc.size})
			if err != nil {
				t.Fatal(err)
			}
			store, err := weaviate.New(ctx, tc.name, weaviate.Options{URL: url, Embedder: emb.Name(), Flat: tc.flat, Recreate: true})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Drop(ctx)
			remote, err := rag.NewDense(emb, store)
			if err != nil {
				t.Fatal(err)
			}
			local, err := rag.NewDense(emb, nil)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := remote.Add(ctx, chunks); err != nil {
				t.Fatal(err)
			}
			addTime := time.Since(start)
			if err := local.Add(ctx, chunks); err != nil {
				t.Fatal(err)
			}
			if n := store.Len(); n != len(chunks) {
				t.Fatalf("Len = %d, want %d", n, len(chunks))
			}

			texts := make([]string, len(chunks))
			for i, c := range chunks {
				texts[i] = c.Text
			}
			vecs, _ := emb.Embed(ctx, texts)
			qvecs, _ := emb.Embed(ctx, handbookQueries)
			prices := "" // the source of the price list, for a Where filter
			for _, c := range chunks {
				if strings.HasSuffix(c.Source, "prices.md") {
					prices = c.Source
				}
			}
			if prices == "" {
				t.Fatal("no chunk from prices.md")
			}
			const k = 5
			same, ranks := 0, 0
			var tRemote, tLocal time.Duration
			for qi, q := range handbookQueries {
				cosines := map[string]float64{}
				for i, c := range chunks {
					cosines[c.ID] = dot(vecs[i], qvecs[qi])
				}
				filters := []struct {
					name string
					o    rag.SearchOptions
				}{
					{"no filter", rag.SearchOptions{}},
					{"where source=prices.md", rag.SearchOptions{Where: map[string]string{"source": prices}}},
					{"filter: odd lines", rag.SearchOptions{Filter: func(id string, m map[string]string) bool {
						return strings.HasSuffix(m["line"], "1") || strings.HasSuffix(m["line"], "3") ||
							strings.HasSuffix(m["line"], "5") || strings.HasSuffix(m["line"], "7") || strings.HasSuffix(m["line"], "9")
					}}},
				}
				for _, f := range filters {
					t0 := time.Now()
					got, err := store.Search(ctx, qvecs[qi], k, f.o)
					t1 := time.Now()
					want, err2 := local.Store().Search(ctx, qvecs[qi], k, f.o)
					t2 := time.Now()
					if err != nil || err2 != nil {
						t.Fatalf("%q, %s: %v, %v", q, f.name, err, err2)
					}
					if f.name == "no filter" {
						tRemote += t1.Sub(t0)
						tLocal += t2.Sub(t1)
					}
					same += sameTop(t, q+", "+f.name, got, want, cosines)
					ranks += len(want)
				}
				// The retrievers agree too (they embed the query and rebuild chunks from the metadata).
				gh, err := remote.Search(ctx, q, k)
				if err != nil {
					t.Fatal(err)
				}
				wh, _ := local.Search(ctx, q, k)
				if gh[0].Chunk.ID == wh[0].Chunk.ID && !reflect.DeepEqual(gh[0].Chunk, wh[0].Chunk) {
					t.Errorf("%q: chunk %+v, want %+v", q, gh[0].Chunk, wh[0].Chunk)
				}
			}
			n := len(handbookQueries)
			t.Logf("%d chunks of at most %d tokens (%s index): added in %v; %d of %d ranks with the same id as rag.Index; "+
				"search latency (top %d, vector given): Weaviate %v, rag.Index %v (mean of %d queries)",
				len(chunks), tc.size, map[bool]string{false: "HNSW", true: "flat"}[tc.flat], addTime.Round(time.Millisecond),
				same, ranks, k, (tRemote / time.Duration(n)).Round(time.Microsecond), (tLocal / time.Duration(n)).Round(time.Microsecond), n)
		})
	}
}

// toyItems are three 3-d items.
func toyItems() []rag.Item {
	return []rag.Item{
		{ID: "north", Vector: []float32{0, 1, 0}, Metadata: map[string]string{"kind": "direction"}},
		{ID: "east", Vector: []float32{1, 0, 0}, Metadata: map[string]string{"kind": "direction", "a b": ` x="y" `}},
		{ID: "up-ish", Vector: []float32{0.1, 2, 0.5}},
	}
}

func ids(rs []rag.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// TestWrites checks add, update and delete, their errors (each leaving the collection as it was), Where
// filters with awkward keys and values, and Save into a file rag.Load reads.
func TestWrites(t *testing.T) {
	url := needServer(t)
	ctx := context.Background()
	c, err := weaviate.New(ctx, "Writes", weaviate.Options{URL: url, Embedder: "toy", Recreate: true, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Drop(ctx)
	if err := c.Add(ctx, toyItems()); err != nil {
		t.Fatal(err)
	}
	if c.Len() != 3 || c.Dim() != 3 {
		t.Fatalf("Len %d, Dim %d; want 3, 3", c.Len(), c.Dim())
	}
	q := []float32{0.2, 1, 0}
	search := func(o ...rag.SearchOptions) []string {
		t.Helper()
		rs, err := c.Search(ctx, q, 3, o...)
		if err != nil {
			t.Fatal(err)
		}
		return ids(rs)
	}
	before := search()
	if want := []string{"north", "up-ish", "east"}; !reflect.DeepEqual(before, want) {
		t.Fatalf("Search = %v, want %v", before, want)
	}

	fails := []struct {
		name string
		do   func() error
		want error // nil: any error
	}{
		{"add: id twice in one call", func() error {
			return c.Add(ctx, []rag.Item{{ID: "a", Vector: []float32{1, 1, 1}}, {ID: "a", Vector: []float32{1, 1, 1}}})
		}, rag.ErrDuplicate},
		{"add: id present", func() error {
			return c.Add(ctx, []rag.Item{{ID: "new", Vector: []float32{1, 1, 1}}, {ID: "east", Vector: []float32{1, 1, 1}}})
		}, rag.ErrDuplicate},
		{"add: wrong dimension", func() error {
			return c.Add(ctx, []rag.Item{{ID: "new", Vector: []float32{1, 1, 1}}, {ID: "new2", Vector: make([]float32, 384)}})
		}, rag.ErrDimension},
		{"add: NaN", func() error {
			return c.Add(ctx, []rag.Item{{ID: "new", Vector: []float32{1, float32(math.NaN()), 1}}})
		}, rag.ErrBadVector},
		{"add: zero vector", func() error { return c.Add(ctx, []rag.Item{{ID: "new", Vector: []float32{0, 0, 0}}}) }, rag.ErrBadVector},
		{"add: empty id", func() error { return c.Add(ctx, []rag.Item{{ID: "", Vector: []float32{1, 0, 0}}}) }, nil},
		{"update: unknown id", func() error {
			return c.Update(ctx, []rag.Item{{ID: "north", Vector: []float32{1, 0, 0}}, {ID: "west", Vector: []float32{-1, 0, 0}}})
		}, rag.ErrNotFound},
		{"update: wrong dimension", func() error {
			return c.Update(ctx, []rag.Item{{ID: "north", Vector: []float32{1, 0}}})
		}, rag.ErrDimension},
		{"delete: unknown id", func() error { return c.Delete(ctx, []string{"north", "west"}) }, rag.ErrNotFound},
		{"delete: id twice", func() error { return c.Delete(ctx, []string{"north", "north"}) }, nil},
		{"search: wrong dimension", func() error { _, err := c.Search(ctx, []float32{1, 0}, 1); return err }, rag.ErrDimension},
		{"search: k 0", func() error { _, err := c.Search(ctx, q, 0); return err }, nil},
		{"search: two options", func() error { _, err := c.Search(ctx, q, 1, rag.SearchOptions{}, rag.SearchOptions{}); return err }, nil},
		{"cancelled add", func() error {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			return c.Add(cctx, []rag.Item{{ID: "new", Vector: []float32{1, 1, 1}}})
		}, context.Canceled},
	}
	for _, f := range fails {
		err := f.do()
		if err == nil || (f.want != nil && !errors.Is(err, f.want)) {
			t.Errorf("%s: error %v, want %v", f.name, err, f.want)
		}
		if n := c.Len(); n != 3 {
			t.Errorf("%s: Len %d after the error, want 3", f.name, n)
		}
		if got := search(); !reflect.DeepEqual(got, before) {
			t.Errorf("%s: Search %v after the error, want %v", f.name, got, before)
		}
	}

	// Where matches whole keys and values exactly, whatever they hold.
	for _, tc := range []struct {
		where map[string]string
		want  []string
	}{
		{map[string]string{"kind": "direction"}, []string{"north", "east"}},
		{map[string]string{"kind": "direction", "a b": ` x="y" `}, []string{"east"}},
		{map[string]string{"a b": `x="y"`}, []string{}},
		{map[string]string{"kind": "Direction"}, []string{}},
	} {
		if got := search(rag.SearchOptions{Where: tc.where}); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Where %v: %v, want %v", tc.where, got, tc.want)
		}
	}

	// Update: east now points north-ish, with new metadata.
	if err := c.Update(ctx, []rag.Item{{ID: "east", Vector: []float32{0.1, 1, 0}, Metadata: map[string]string{"kind": "moved"}}}); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Search(ctx, q, 1)
	if err != nil || len(rs) != 1 || rs[0].ID != "east" || rs[0].Metadata["kind"] != "moved" || rs[0].Score < 0.99 {
		t.Errorf("after Update: %+v, %v", rs, err)
	}
	if got := search(rag.SearchOptions{Where: map[string]string{"kind": "direction"}}); !reflect.DeepEqual(got, []string{"north"}) {
		t.Errorf("after Update, Where kind=direction: %v", got)
	}

	// Save: a file that rag.Load reads as an Index, with the same results; Delete.
	path := filepath.Join(t.TempDir(), "writes.rag")
	if err := c.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	if _, err := rag.Load(ctx, path, rag.Options{Embedder: "other"}); !errors.Is(err, rag.ErrEmbedder) {
		t.Errorf("Load with another embedder: %v", err)
	}
	x, err := rag.Load(ctx, path, rag.Options{Embedder: "toy"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := x.Search(ctx, q, 3)
	got, _ := c.Search(ctx, q, 3)
	if x.Len() != 3 || !reflect.DeepEqual(ids(got), ids(want)) {
		t.Errorf("saved index: Len %d, %v; Weaviate %v", x.Len(), ids(want), ids(got))
	}
	if err := c.Delete(ctx, []string{"north", "up-ish"}); err != nil {
		t.Fatal(err)
	}
	if got := search(); c.Len() != 1 || !reflect.DeepEqual(got, []string{"east"}) {
		t.Errorf("after Delete: Len %d, %v", c.Len(), got)
	}
}

// TestOpen checks opening existing collections: another embedder, another dimension, a collection not made
// by this package, a name Weaviate refuses, and a dropped collection.
func TestOpen(t *testing.T) {
	url := needServer(t)
	ctx := context.Background()
	c, err := weaviate.New(ctx, "Opened", weaviate.Options{URL: url, Embedder: "toy", Recreate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Drop(ctx)
	if err := c.Add(ctx, toyItems()); err != nil {
		t.Fatal(err)
	}
	again, err := weaviate.New(ctx, "Opened", weaviate.Options{URL: url})
	if err != nil || again.Embedder() != "toy" || again.Dim() != 3 || again.Len() != 3 {
		t.Fatalf("reopened: %v; embedder %q, dim %d, len %d", err, again.Embedder(), again.Dim(), again.Len())
	}
	if !strings.HasPrefix(again.Version(), "1.") {
		t.Errorf("Version() = %q", again.Version())
	}
	if _, err := weaviate.New(ctx, "Opened", weaviate.Options{URL: url, Embedder: "all-MiniLM-L6-v2"}); !errors.Is(err, rag.ErrEmbedder) {
		t.Errorf("another embedder: %v", err)
	}
	if _, err := weaviate.New(ctx, "Opened", weaviate.Options{URL: url, Dim: 384}); !errors.Is(err, rag.ErrDimension) {
		t.Errorf("another dimension: %v", err)
	}
	if _, err := rag.NewDense(hashedWords(3), again); !errors.Is(err, rag.ErrEmbedder) {
		t.Errorf("NewDense with another embedder: %v", err)
	}

	// A collection made by someone else.
	foreign, err := weaviate.New(ctx, "Foreign", weaviate.Options{URL: url, Recreate: true})
	if err != nil {
		t.Fatal(err)
	}
	foreign.Drop(ctx)
	if err := postSchema(url, `{"class":"Foreign","vectorizer":"none","properties":[{"name":"title","dataType":["text"]}]}`); err != nil {
		t.Fatal(err)
	}
	if _, err := weaviate.New(ctx, "Foreign", weaviate.Options{URL: url}); err == nil || !strings.Contains(err.Error(), "not made by golm") {
		t.Errorf("a foreign collection: %v", err)
	}
	if f, err := weaviate.New(ctx, "Foreign", weaviate.Options{URL: url, Recreate: true}); err != nil {
		t.Errorf("recreating a foreign collection: %v", err)
	} else {
		f.Drop(ctx)
	}

	if _, err := weaviate.New(ctx, "my chunks", weaviate.Options{URL: url}); err == nil || !strings.Contains(err.Error(), `"My_chunks"`) {
		t.Errorf("a bad name: %v", err)
	}

	if err := c.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Add(ctx, toyItems()); err == nil || !strings.Contains(err.Error(), "dropped") {
		t.Errorf("Add after Drop: %v", err)
	}
}

// postSchema creates a class with Weaviate's REST API directly.
func postSchema(url, class string) error {
	resp, err := http.Post(url+"/v1/schema", "application/json", strings.NewReader(class))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("POST /v1/schema: %s: %s", resp.Status, b)
	}
	return nil
}

// TestUnreachable needs no server: bad options and a server that is not there are clear errors.
func TestUnreachable(t *testing.T) {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	for _, tc := range []struct {
		name string
		coll string
		opts []weaviate.Options
		want string
	}{
		{"no server", "Chunks", []weaviate.Options{{URL: closed}}, "cannot reach " + closed},
		{"URL without scheme", "Chunks", []weaviate.Options{{URL: "localhost:8080"}}, "want http://host:port"},
		{"lower-case name", "chunks", []weaviate.Options{{URL: closed}}, `such as "Chunks"`},
		{"two options", "Chunks", []weaviate.Options{{}, {}}, "at most one options value"},
		{"negative dimension", "Chunks", []weaviate.Options{{URL: closed, Dim: -1}}, "must not be negative"},
	} {
		c, err := weaviate.New(ctx, tc.coll, tc.opts...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, %v; want an error with %q", tc.name, c, err, tc.want)
		}
	}
}

// failingTransport fails the n-th batch write after it is armed (n counts from 1), as a server that dies
// half-way through would.
type failingTransport struct {
	mu      sync.Mutex
	armed   bool
	n, seen int
}

func (f *failingTransport) arm(n int) {
	f.mu.Lock()
	f.armed, f.n, f.seen = true, n, 0
	f.mu.Unlock()
}

func (f *failingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	fail := false
	if f.armed && req.Method == http.MethodPost && req.URL.Path == "/v1/batch/objects" {
		f.seen++
		if f.seen == f.n {
			fail, f.armed = true, false
		}
	}
	f.mu.Unlock()
	if fail {
		return nil, errors.New("connection reset (test)")
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestRollback checks that a write failing half-way is taken back: an Add's first batch is deleted again,
// an Update's first batch gets the old vectors and metadata back.
func TestRollback(t *testing.T) {
	url := needServer(t)
	ctx := context.Background()
	ft := &failingTransport{}
	c, err := weaviate.New(ctx, "Rollback", weaviate.Options{URL: url, Embedder: "toy", Recreate: true, BatchSize: 2,
		HTTPClient: &http.Client{Transport: ft}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Drop(ctx)
	if err := c.Add(ctx, toyItems()); err != nil {
		t.Fatal(err)
	}
	q := []float32{0.2, 1, 0}
	before, err := c.Search(ctx, q, 3)
	if err != nil {
		t.Fatal(err)
	}

	ft.arm(2)
	more := []rag.Item{{ID: "a", Vector: []float32{1, 1, 0}}, {ID: "b", Vector: []float32{1, 1, 1}},
		{ID: "c", Vector: []float32{0, 1, 1}}, {ID: "d", Vector: []float32{0, 0, 1}}}
	if err := c.Add(ctx, more); err == nil || !strings.Contains(err.Error(), "nothing was added") {
		t.Errorf("Add failing half-way: %v", err)
	}
	if n := c.Len(); n != 3 {
		t.Errorf("Len %d after a failed Add, want 3", n)
	}
	if err := c.Delete(ctx, []string{"a"}); !errors.Is(err, rag.ErrNotFound) {
		t.Errorf("item a after a failed Add: Delete says %v", err)
	}

	ft.arm(2)
	moved := []rag.Item{{ID: "north", Vector: []float32{0, 0, 1}}, {ID: "east", Vector: []float32{0, 0, 1}},
		{ID: "up-ish", Vector: []float32{0, 0, 1}, Metadata: map[string]string{"kind": "moved"}}}
	if err := c.Update(ctx, moved); err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("Update failing half-way: %v", err)
	}
	after, err := c.Search(ctx, q, 3)
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("after a failed Update: %+v, %v; want %+v", after, err, before)
	}
}
