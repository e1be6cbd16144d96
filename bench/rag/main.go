// Command rag-bench measures top-k vector search over n × dim vectors: a naive Go loop, golm's exact
// Index (float32 and int8 with re-scoring), golm's HNSW at several efSearch values (recall@k against
// exact search), github.com/philippgille/chromem-go and sqlite-vec (in SQLite through cgo, and as
// WebAssembly through the pure-Go github.com/ncruces/go-sqlite3), on uniformly random and on clustered unit
// vectors.
// It prints medians per query and queries per second. Run it with run.sh (GOMAXPROCS=2) or:
//
//	GOMAXPROCS=2 go run . -n 100000 -dim 384
//	GOMAXPROCS=2 go run . -n 1000000 -only exact,int8 -data clustered   # memory and time at a million
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golm-dev/golm/helpers/rag"
	"github.com/philippgille/chromem-go"
)

func main() {
	n := flag.Int("n", 100_000, "vectors in the collection")
	dim := flag.Int("dim", 384, "dimension")
	nq := flag.Int("queries", 200, "queries (each timed)")
	k := flag.Int("k", 10, "results per query")
	data := flag.String("data", "random,clustered", "data sets: random, clustered")
	only := flag.String("only", "naive,exact,int8,hnsw,chromem,sqlitevec,sqlitevec-wasm", "methods to run")
	efs := flag.String("ef", "16,32,64,128,256,512", "HNSW efSearch values to try, increasing")
	m := flag.Int("m", 16, "HNSW M")
	efc := flag.Int("efc", 200, "HNSW efConstruction")
	workers := flag.Int("workers", 1, "HNSW insertion goroutines (1: in order, deterministic)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()

	fmt.Printf("rag-bench: n=%d dim=%d queries=%d k=%d GOMAXPROCS=%d %s/%s %s\n", *n, *dim, *nq, *k,
		runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version())
	load()
	methods := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		methods[strings.TrimSpace(s)] = true
	}
	var efList []int
	for _, s := range strings.Split(*efs, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fail(fmt.Errorf("-ef: %w", err))
		}
		efList = append(efList, v)
	}
	for _, set := range strings.Split(*data, ",") {
		set = strings.TrimSpace(set)
		b := &bench{n: *n, dim: *dim, k: *k, set: set, recalls: map[string]float64{}}
		b.generate(*nq, *seed)
		b.run(methods, efList, *m, *efc, *workers, *seed)
		load()
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "rag-bench:", err)
	os.Exit(1)
}

// load prints the machine's load averages (uptime), since other work on the machine changes the figures.
func load() {
	out, err := exec.Command("uptime").Output()
	if err != nil {
		return
	}
	fmt.Printf("load: %s", out)
}

type bench struct {
	n, dim, k int
	set       string
	vecs      [][]float32 // unit vectors
	queries   [][]float32
	truth     [][]string         // exact top-k ids per query
	recalls   map[string]float64 // recall@k of the sqlite-vec runs, by name
}

// generate makes the data set: uniformly random directions, or points around n/100 centres with noise
// (nearer to how embeddings of real text cluster by topic). Queries come from the same distribution.
func (b *bench) generate(nq int, seed uint64) {
	t := time.Now()
	r := rand.New(rand.NewPCG(seed, 42))
	var centres [][]float32
	if b.set == "clustered" {
		centres = make([][]float32, max(1, b.n/100))
		for i := range centres {
			centres[i] = unit(randn(r, b.dim, 1))
		}
	} else if b.set != "random" {
		fail(fmt.Errorf("unknown data set %q (random, clustered)", b.set))
	}
	point := func() []float32 {
		v := randn(r, b.dim, 1)
		if centres != nil {
			c := centres[r.IntN(len(centres))]
			for j := range v {
				v[j] = c[j] + 0.06*v[j] // noise of length about 0.06·√dim (1.2 at 384) around a unit centre
			}
		}
		return unit(v)
	}
	b.vecs = make([][]float32, b.n)
	for i := range b.vecs {
		b.vecs[i] = point()
	}
	b.queries = make([][]float32, nq)
	for i := range b.queries {
		b.queries[i] = point()
	}
	fmt.Printf("\n== %s: %d × %d unit vectors, %d queries (generated in %s)\n", b.set, b.n, b.dim, nq,
		time.Since(t).Round(time.Millisecond))
}

func randn(r *rand.Rand, dim int, sigma float64) []float32 {
	v := make([]float32, dim)
	for j := range v {
		v[j] = float32(r.NormFloat64() * sigma)
	}
	return v
}

func unit(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	inv := 1 / math.Sqrt(s)
	for j := range v {
		v[j] = float32(float64(v[j]) * inv)
	}
	return v
}

func id(i int) string { return "v" + strconv.Itoa(i) }

func items(vecs [][]float32) []rag.Item {
	out := make([]rag.Item, len(vecs))
	for i, v := range vecs {
		out[i] = rag.Item{ID: id(i), Vector: v}
	}
	return out
}

// heapMB returns the live heap after a collection, in MiB.
func heapMB() float64 {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// timing is the per-query times of one method.
type timing struct {
	name   string
	times  []time.Duration
	recall float64 // -1 when not measured
	qps    float64 // queries per second with GOMAXPROCS queries in flight
	extra  string
}

func (t timing) print() {
	s := slices.Clone(t.times)
	slices.Sort(s)
	med := s[len(s)/2]
	p90 := s[len(s)*9/10]
	rec := "    -"
	if t.recall >= 0 {
		rec = fmt.Sprintf("%.4f", t.recall)
	}
	fmt.Printf("%-26s median %8.3f ms  p90 %8.3f ms  %8.0f q/s sequential  %8.0f q/s parallel  recall@10 %s  %s\n",
		t.name, ms(med), ms(p90), 1/med.Seconds(), t.qps, rec, t.extra)
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// measure runs search once per query, timing each, then all queries again with GOMAXPROCS goroutines for
// the throughput; it returns the timing and the ids found.
func (b *bench) measure(name string, search func(q []float32) []string) (timing, [][]string) {
	t := timing{name: name, recall: -1}
	found := make([][]string, len(b.queries))
	for i, q := range b.queries {
		start := time.Now()
		found[i] = search(q)
		t.times = append(t.times, time.Since(start))
	}
	workers := runtime.GOMAXPROCS(0)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(b.queries); i += workers {
				search(b.queries[i])
			}
		}()
	}
	wg.Wait()
	t.qps = float64(len(b.queries)) / time.Since(start).Seconds()
	if b.truth != nil {
		t.recall = b.recall(found)
	}
	return t, found
}

func (b *bench) recall(found [][]string) float64 {
	hit, total := 0, 0
	for i, ids := range found {
		want := map[string]bool{}
		for _, id := range b.truth[i] {
			want[id] = true
		}
		for _, id := range ids {
			if want[id] {
				hit++
			}
		}
		total += len(b.truth[i])
	}
	return float64(hit) / float64(total)
}

// naive is the baseline: one goroutine, a plain dot-product loop and a sorted insertion into the top k.
func (b *bench) naive(q []float32) []string {
	type sc struct {
		s float32
		i int
	}
	top := make([]sc, 0, b.k+1)
	for i, v := range b.vecs {
		var s float32
		for j := range q {
			s += q[j] * v[j]
		}
		if len(top) == b.k && s <= top[len(top)-1].s {
			continue
		}
		p := sort.Search(len(top), func(j int) bool { return top[j].s < s })
		top = slices.Insert(top, p, sc{s, i})
		if len(top) > b.k {
			top = top[:b.k]
		}
	}
	ids := make([]string, len(top))
	for j, t := range top {
		ids[j] = id(t.i)
	}
	return ids
}

func resultIDs(rs []rag.Result) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func (b *bench) run(methods map[string]bool, efList []int, m, efc, workers int, seed uint64) {
	ctx := context.Background()
	base := heapMB()

	// The exact index gives the ground truth for every recall figure.
	t0 := time.Now()
	exact, err := rag.NewIndex(rag.Options{Dim: b.dim})
	if err != nil {
		fail(err)
	}
	if err := exact.Add(ctx, items(b.vecs)); err != nil {
		fail(err)
	}
	fmt.Printf("exact index: added in %s, heap +%.0f MiB (the benchmark's own copy of the vectors is %.0f MiB)\n",
		time.Since(t0).Round(time.Millisecond), heapMB()-base, float64(b.n*b.dim*4)/(1<<20))
	exactSearch := func(q []float32) []string {
		rs, err := exact.Search(ctx, q, b.k)
		if err != nil {
			fail(err)
		}
		return resultIDs(rs)
	}
	b.truth = make([][]string, len(b.queries))
	for i, q := range b.queries {
		b.truth[i] = exactSearch(q)
	}

	if methods["naive"] {
		t, _ := b.measure("naive Go loop (1 core)", b.naive)
		t.print()
	}
	if methods["exact"] {
		t, _ := b.measure("golm Index exact", exactSearch)
		t.print()
	}
	if methods["int8"] {
		before := heapMB()
		t0 := time.Now()
		q8, err := rag.NewIndex(rag.Options{Dim: b.dim, Quantize: true})
		if err != nil {
			fail(err)
		}
		if err := q8.Add(ctx, items(b.vecs)); err != nil {
			fail(err)
		}
		build := time.Since(t0)
		mem := heapMB() - before
		for _, rescore := range []int{100, 400} {
			t, _ := b.measure(fmt.Sprintf("golm Index int8+rescore %d", rescore), func(q []float32) []string {
				rs, err := q8.Search(ctx, q, b.k, rag.SearchOptions{Rescore: rescore})
				if err != nil {
					fail(err)
				}
				return resultIDs(rs)
			})
			t.extra = fmt.Sprintf("(added in %s, heap +%.0f MiB)", build.Round(time.Millisecond), mem)
			t.print()
		}
		q8 = nil
	}
	if methods["hnsw"] {
		before := heapMB()
		t0 := time.Now()
		h, err := rag.NewHNSW(rag.Options{Dim: b.dim, M: m, EfConstruction: efc, Seed: seed, Workers: workers})
		if err != nil {
			fail(err)
		}
		if err := h.Add(ctx, items(b.vecs)); err != nil {
			fail(err)
		}
		build := time.Since(t0)
		mem := heapMB() - before
		fmt.Printf("golm HNSW M=%d efConstruction=%d: built in %s (%.0f inserts/s, %d goroutines), heap +%.0f MiB\n",
			m, efc, build.Round(time.Millisecond), float64(b.n)/build.Seconds(), max(1, workers), mem)
		reached := 0
		for _, ef := range efList {
			t, _ := b.measure(fmt.Sprintf("golm HNSW efSearch %d", ef), func(q []float32) []string {
				rs, err := h.Search(ctx, q, b.k, rag.SearchOptions{EfSearch: ef})
				if err != nil {
					fail(err)
				}
				return resultIDs(rs)
			})
			t.print()
			if t.recall >= 0.99 && reached == 0 {
				reached = ef
			}
		}
		if reached > 0 {
			fmt.Printf("HNSW reaches recall@10 ≥ 0.99 at efSearch %d\n", reached)
		} else {
			fmt.Printf("HNSW does not reach recall@10 ≥ 0.99 at efSearch ≤ %d\n", efList[len(efList)-1])
		}
	}
	if methods["chromem"] {
		before := heapMB()
		t0 := time.Now()
		db := chromem.NewDB()
		col, err := db.CreateCollection("bench", nil, func(context.Context, string) ([]float32, error) {
			return nil, fmt.Errorf("no embedding function in the benchmark")
		})
		if err != nil {
			fail(err)
		}
		docs := make([]chromem.Document, b.n)
		for i, v := range b.vecs {
			docs[i] = chromem.Document{ID: id(i), Embedding: v, Content: "-"}
		}
		if err := col.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
			fail(err)
		}
		build := time.Since(t0)
		docs = nil
		mem := heapMB() - before
		t, _ := b.measure("chromem-go v0.7.0", func(q []float32) []string {
			rs, err := col.QueryEmbedding(ctx, q, b.k, nil, nil)
			if err != nil {
				fail(err)
			}
			ids := make([]string, len(rs))
			for i, r := range rs {
				ids[i] = r.ID
			}
			return ids
		})
		t.extra = fmt.Sprintf("(added in %s, heap +%.0f MiB)", build.Round(time.Millisecond), mem)
		t.print()
	}
	if methods["sqlitevec"] {
		b.sqliteVec("sqlite-vec cgo", openCgo)
	}
	if methods["sqlitevec-wasm"] {
		b.sqliteVec("sqlite-vec wasm", openWASM)
	}
	runtime.KeepAlive(exact)
}
