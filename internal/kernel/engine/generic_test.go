package engine

import (
	"sort"
	"strings"
	"testing"

	"github.com/golm-dev/golm/symbols/std"
)

// genericCases has a cell for every generic function and type of the standard library (std.Generic,
// generated from the toolchain), by "import/path.Name": it prints what go run prints, or, for a name golm
// cannot provide, fails with the error that says why. TestGenericStandIns fails when a new Go adds a
// generic name that is not here.
var genericCases = map[string]cellCase{
	"cmp.Compare":                  {code: "fmt.Println(cmp.Compare(1, 2), cmp.Compare(\"b\", \"a\"))", stdout: "-1 1\n"},
	"cmp.Less":                     {code: "fmt.Println(cmp.Less(1.5, 2))", stdout: "true\n"},
	"cmp.Or":                       {code: "name := cmp.Or(\"\", \"golm\", \"x\")\nports := []int{0, 0, 8080}\nfmt.Println(name, cmp.Or(ports...), cmp.Or(0, 0))", stdout: "golm 8080 0\n"},
	"cmp.Ordered":                  {code: "func biggest[T cmp.Ordered](a, b T) T {\n\tif a > b {\n\t\treturn a\n\t}\n\treturn b\n}\nfmt.Println(biggest(\"a\", \"b\"), biggest(3, 2))", stdout: "b 3\n"},
	"crypto/hkdf.Expand":           {code: "prk, _ := hkdf.Extract(sha256.New, []byte(\"secret\"), nil)\nk, err := hkdf.Expand(sha256.New, prk, \"info\", 8)\nfmt.Printf(\"%x %v\\n\", k, err)", stdout: "7e11a191fa879919 <nil>\n"},
	"crypto/hkdf.Extract":          {code: "prk, err := hkdf.Extract(sha256.New, []byte(\"secret\"), nil)\nfmt.Println(len(prk), err)", stdout: "32 <nil>\n"},
	"crypto/hkdf.Key":              {code: "k, err := hkdf.Key(sha256.New, []byte(\"secret\"), nil, \"info\", 8)\nfmt.Printf(\"%x %v\\n\", k, err)", stdout: "7e11a191fa879919 <nil>\n"},
	"crypto/pbkdf2.Key":            {code: "k, err := pbkdf2.Key(sha256.New, \"pw\", []byte(\"salt\"), 1, 8)\nfmt.Printf(\"%x %v\\n\", k, err)", stdout: "6f4ad8c78ec365c0 <nil>\n"},
	"database/sql.Null":            {code: "var n sql.Null[string]\n_ = n", err: "sql.Null is a generic function or type of the standard library, which golm's interpreter cannot call from compiled code: database/sql cannot see"},
	"errors.AsType":                {code: "_, err := os.Open(\"/no/such\")\npe, ok := errors.AsType[*fs.PathError](err)\nfmt.Println(pe.Path, ok)", stdout: "/no/such true\n"},
	"hash/maphash.Comparable":      {code: "seed := maphash.MakeSeed()\nfmt.Println(maphash.Comparable(seed, \"x\") == maphash.Comparable(seed, \"x\"), maphash.Comparable(seed, 1) == maphash.Comparable(seed, 2))", stdout: "true false\n"},
	"hash/maphash.WriteComparable": {code: "var h1, h2 maphash.Hash\nh2.SetSeed(h1.Seed())\nmaphash.WriteComparable(&h1, 3)\nmaphash.WriteComparable(&h2, 3)\nfmt.Println(h1.Sum64() == h2.Sum64())", stdout: "true\n"},
	"iter.Pull":                    {code: "next, stop := iter.Pull(slices.Values([]int{1, 2}))\ndefer stop()\na, ok := next()\nb, _ := next()\n_, more := next()\nfmt.Println(a, ok, b, more)", stdout: "1 true 2 false\n"},
	"iter.Pull2":                   {code: "next, stop := iter.Pull2(slices.All([]string{\"x\"}))\ni, v, ok := next()\nstop()\n_, _, after := next()\nfmt.Println(i, v, ok, after)", stdout: "0 x true false\n"},
	"iter.Seq":                     {code: "func evens(n int) iter.Seq[int] {\n\treturn func(yield func(int) bool) {\n\t\tfor i := 0; i < n; i += 2 {\n\t\t\tif !yield(i) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}\nfmt.Println(slices.Collect(evens(5)))", stdout: "[0 2 4]\n"},
	"iter.Seq2":                    {code: "var s iter.Seq2[int, string] = slices.All([]string{\"a\"})\nfor i, v := range s {\n\tfmt.Println(i, v)\n}", stdout: "0 a\n"},
	"maps.All":                     {code: "for k, v := range maps.All(map[string]int{\"a\": 1}) {\n\tfmt.Println(k, v)\n}", stdout: "a 1\n"},
	"maps.Clone":                   {code: "m := map[string]int{\"a\": 1}\nc := maps.Clone(m)\nc[\"a\"] = 2\nfmt.Println(m, c)", stdout: "map[a:1] map[a:2]\n"},
	"maps.Collect":                 {code: "fmt.Println(maps.Collect(slices.All([]string{\"x\", \"y\"})))", stdout: "map[0:x 1:y]\n"},
	"maps.Copy":                    {code: "d := map[string]int{\"a\": 1}\nmaps.Copy(d, map[string]int{\"b\": 2})\nfmt.Println(d)", stdout: "map[a:1 b:2]\n"},
	"maps.DeleteFunc":              {code: "m := map[string]int{\"a\": 1, \"b\": 2}\nmaps.DeleteFunc(m, func(k string, v int) bool { return v > 1 })\nfmt.Println(m)", stdout: "map[a:1]\n"},
	"maps.Equal":                   {code: "fmt.Println(maps.Equal(map[string]int{\"a\": 1}, map[string]int{\"a\": 1}))", stdout: "true\n"},
	"maps.EqualFunc":               {code: "fmt.Println(maps.EqualFunc(map[string]int{\"a\": 1}, map[string]string{\"a\": \"1\"}, func(a int, b string) bool { return strconv.Itoa(a) == b }))", stdout: "true\n"},
	"maps.Insert":                  {code: "m := map[int]string{}\nmaps.Insert(m, slices.All([]string{\"z\"}))\nfmt.Println(m)", stdout: "map[0:z]\n"},
	"maps.Keys":                    {code: "fmt.Println(slices.Sorted(maps.Keys(map[string]int{\"b\": 1, \"a\": 2})))", stdout: "[a b]\n"},
	"maps.Values":                  {code: "fmt.Println(slices.Sorted(maps.Values(map[string]int{\"b\": 1, \"a\": 2})))", stdout: "[1 2]\n"},
	"math/rand/v2.N":               {code: "fmt.Println(rand.N(10) < 10, rand.N(time.Second) < time.Second)", stdout: "true true\n"},
	"reflect.TypeAssert":           {code: "s, ok := reflect.TypeAssert[string](reflect.ValueOf(\"x\"))\n_, bad := reflect.TypeAssert[int](reflect.ValueOf(\"x\"))\nfmt.Println(s, ok, bad)", stdout: "x true false\n"},
	"reflect.TypeFor":              {code: "fmt.Println(reflect.TypeFor[int](), reflect.TypeFor[error]().Kind())", stdout: "int interface\n"},
	"runtime.AddCleanup":           {code: "type res struct{ n int }\nr := &res{1}\nc := runtime.AddCleanup(r, func(n int) { fmt.Println(\"cleaned\", n) }, 7)\nc.Stop()\nfmt.Println(r.n)", stdout: "1\n"},
	"slices.All":                   {code: "for i, v := range slices.All([]string{\"a\", \"b\"}) {\n\tfmt.Println(i, v)\n}", stdout: "0 a\n1 b\n"},
	"slices.AppendSeq":             {code: "fmt.Println(slices.AppendSeq([]int{1}, slices.Values([]int{2, 3})))", stdout: "[1 2 3]\n"},
	"slices.Backward":              {code: "for i, v := range slices.Backward([]string{\"a\", \"b\"}) {\n\tfmt.Println(i, v)\n}", stdout: "1 b\n0 a\n"},
	"slices.BinarySearch":          {code: "i, ok := slices.BinarySearch([]string{\"a\", \"c\"}, \"b\")\nfmt.Println(i, ok)", stdout: "1 false\n"},
	"slices.BinarySearchFunc":      {code: "type p struct{ n int }\ni, ok := slices.BinarySearchFunc([]p{{1}, {3}, {5}}, 3, func(e p, t int) int { return cmp.Compare(e.n, t) })\nfmt.Println(i, ok)", stdout: "1 true\n"},
	"slices.Chunk":                 {code: "for c := range slices.Chunk([]int{1, 2, 3, 4, 5}, 2) {\n\tfmt.Println(c, cap(c))\n}", stdout: "[1 2] 2\n[3 4] 2\n[5] 1\n"},
	"slices.Clip":                  {code: "s := make([]int, 2, 10)\nfmt.Println(cap(slices.Clip(s)))", stdout: "2\n"},
	"slices.Clone":                 {code: "s := []int{1}\nc := slices.Clone(s)\nc[0] = 2\nfmt.Println(s, c)", stdout: "[1] [2]\n"},
	"slices.Collect":               {code: "fmt.Println(slices.Collect(maps.Keys(map[int]bool{7: true})))", stdout: "[7]\n"},
	"slices.Compact":               {code: "fmt.Println(slices.Compact([]int{1, 1, 2, 2, 1}))", stdout: "[1 2 1]\n"},
	"slices.CompactFunc":           {code: "fmt.Println(slices.CompactFunc([]string{\"a\", \"A\", \"b\"}, strings.EqualFold))", stdout: "[a b]\n"},
	"slices.Compare":               {code: "fmt.Println(slices.Compare([]int{1, 2}, []int{1, 3}), slices.Compare([]int{1}, []int{1, 2}), slices.Compare([]string{\"b\"}, []string{\"a\"}))", stdout: "-1 -1 1\n"},
	"slices.CompareFunc":           {code: "fmt.Println(slices.CompareFunc([]int{1}, []string{\"1\"}, func(a int, b string) int { return strings.Compare(strconv.Itoa(a), b) }))", stdout: "0\n"},
	"slices.Concat":                {code: "parts := [][]string{{\"a\"}, {\"b\", \"c\"}}\nfmt.Println(slices.Concat([]int{1}, []int{2, 3}), slices.Concat(parts...), len(slices.Concat([]int{}, nil)))", stdout: "[1 2 3] [a b c] 0\n"},
	"slices.Contains":              {code: "fmt.Println(slices.Contains([]string{\"a\"}, \"a\"))", stdout: "true\n"},
	"slices.ContainsFunc":          {code: "fmt.Println(slices.ContainsFunc([]int{1, 4}, func(x int) bool { return x > 3 }))", stdout: "true\n"},
	"slices.Delete":                {code: "s := []int{1, 2, 3, 4}\nfmt.Println(slices.Delete(s, 1, 3), s)", stdout: "[1 4] [1 4 0 0]\n"},
	"slices.DeleteFunc":            {code: "s := []int{1, 2, 3, 4}\nfmt.Println(slices.DeleteFunc(s, func(x int) bool { return x%2 == 0 }), s)", stdout: "[1 3] [1 3 0 0]\n"},
	"slices.Equal":                 {code: "fmt.Println(slices.Equal([]int{1}, []int{1}), slices.Equal([]int{1}, nil))", stdout: "true false\n"},
	"slices.EqualFunc":             {code: "fmt.Println(slices.EqualFunc([]int{1}, []string{\"1\"}, func(a int, b string) bool { return strconv.Itoa(a) == b }))", stdout: "true\n"},
	"slices.Grow":                  {code: "s := slices.Grow([]int{1}, 10)\nfmt.Println(s, cap(s) >= 11)", stdout: "[1] true\n"},
	"slices.Index":                 {code: "fmt.Println(slices.Index([]string{\"a\", \"b\"}, \"b\"), slices.Index([]int{1}, 5))", stdout: "1 -1\n"},
	"slices.IndexFunc":             {code: "fmt.Println(slices.IndexFunc([]int{1, 4}, func(x int) bool { return x > 3 }))", stdout: "1\n"},
	"slices.Insert":                {code: "fmt.Println(slices.Insert([]int{1, 4}, 1, 2, 3))", stdout: "[1 2 3 4]\n"},
	"slices.IsSorted":              {code: "fmt.Println(slices.IsSorted([]int{1, 2}), slices.IsSorted([]string{\"b\", \"a\"}))", stdout: "true false\n"},
	"slices.IsSortedFunc":          {code: "fmt.Println(slices.IsSortedFunc([]int{2, 1}, func(a, b int) int { return b - a }))", stdout: "true\n"},
	"slices.Max":                   {code: "fmt.Println(slices.Max([]float64{1, 3.5, 2}))", stdout: "3.5\n"},
	"slices.MaxFunc":               {code: "type p struct{ n int; s string }\nfmt.Println(slices.MaxFunc([]p{{1, \"a\"}, {3, \"b\"}, {3, \"c\"}}, func(a, b p) int { return cmp.Compare(a.n, b.n) }).s)", stdout: "b\n"},
	"slices.Min":                   {code: "fmt.Println(slices.Min([]string{\"b\", \"a\"}))", stdout: "a\n"},
	"slices.MinFunc":               {code: "type p struct{ n int; s string }\nfmt.Println(slices.MinFunc([]p{{3, \"a\"}, {1, \"b\"}, {1, \"c\"}}, func(a, b p) int { return cmp.Compare(a.n, b.n) }).s)", stdout: "b\n"},
	"slices.Repeat":                {code: "fmt.Println(slices.Repeat([]string{\"ab\"}, 3))", stdout: "[ab ab ab]\n"},
	"slices.Replace":               {code: "s := []int{1, 2, 3, 4}\nfmt.Println(slices.Replace(s, 1, 3, 9), s)\nfmt.Println(slices.Replace([]int{1, 2}, 1, 1, 7, 8))", stdout: "[1 9 4] [1 9 4 0]\n[1 7 8 2]\n"},
	"slices.Reverse":               {code: "s := []int{1, 2, 3}\nslices.Reverse(s)\nfmt.Println(s)", stdout: "[3 2 1]\n"},
	"slices.Sort":                  {code: "s := []string{\"b\", \"c\", \"a\"}\nslices.Sort(s)\nfmt.Println(s)", stdout: "[a b c]\n"},
	"slices.SortFunc":              {code: "s := []string{\"bb\", \"a\", \"ccc\"}\nslices.SortFunc(s, func(a, b string) int { return cmp.Compare(len(b), len(a)) })\nfmt.Println(s)", stdout: "[ccc bb a]\n"},
	"slices.SortStableFunc":        {code: "s := []string{\"b1\", \"a1\", \"b2\", \"a2\"}\nslices.SortStableFunc(s, func(a, b string) int { return cmp.Compare(a[0], b[0]) })\nfmt.Println(s)", stdout: "[a1 a2 b1 b2]\n"},
	"slices.Sorted":                {code: "fmt.Println(slices.Sorted(slices.Values([]int{3, 1, 2})))", stdout: "[1 2 3]\n"},
	"slices.SortedFunc":            {code: "fmt.Println(slices.SortedFunc(slices.Values([]int{3, 1, 2}), func(a, b int) int { return b - a }))", stdout: "[3 2 1]\n"},
	"slices.SortedStableFunc":      {code: "fmt.Println(slices.SortedStableFunc(slices.Values([]string{\"b1\", \"a1\", \"b2\"}), func(a, b string) int { return cmp.Compare(a[0], b[0]) }))", stdout: "[a1 b1 b2]\n"},
	"slices.Values":                {code: "for v := range slices.Values([]int{7, 8}) {\n\tfmt.Println(v)\n}", stdout: "7\n8\n"},
	"sync.OnceValue":               {code: "calls := 0\nget := sync.OnceValue(func() int { calls++; return 42 })\nfmt.Println(get(), get(), calls)", stdout: "42 42 1\n"},
	"sync.OnceValues":              {code: "calls := 0\nload := sync.OnceValues(func() (string, error) { calls++; return \"cfg\", nil })\nv, err := load()\nv2, _ := load()\nfmt.Println(v, err, v2, calls)", stdout: "cfg <nil> cfg 1\n"},
	"sync/atomic.Pointer":          {code: "type Config struct{ Name string }\nvar cur atomic.Pointer[Config]\nfmt.Println(cur.Load() == nil)\ncur.Store(&Config{\"a\"})\nold := cur.Swap(&Config{\"b\"})\nfmt.Println(old.Name, cur.Load().Name, cur.CompareAndSwap(old, nil), cur.CompareAndSwap(cur.Load(), old), cur.Load().Name)", stdout: "true\na b false true a\n"},
	"unique.Handle":                {code: "func intern(s string) unique.Handle[string] { return unique.Make(s) }\nvar h unique.Handle[string]\nh = intern(\"go\")\nfmt.Println(h == intern(\"go\"), h == intern(\"lm\"), h.Value())", stdout: "true false go\n"},
	"unique.Make":                  {code: "h := unique.Make(\"x\")\nh2 := unique.Make(\"x\")\nfmt.Println(h == h2, h.Value())", stdout: "true x\n"},
	"weak.Make":                    {code: "type big struct{ n int }\nfunc check() {\n\tb := &big{5}\n\tw := weak.Make(b)\n\tfmt.Println(w.Value().n, w.Value() == b)\n\truntime.KeepAlive(b)\n}\ncheck()", stdout: "5 true\n"},
	"weak.Pointer":                 {code: "type node struct{ v int }\nvar w weak.Pointer[node]\nfmt.Println(w.Value() == nil)", stdout: "true\n"},
}

// TestGenericStandIns runs a cell for each generic name of the standard library: each works as in a
// program, or fails with the error naming it (see noStandIns).
func TestGenericStandIns(t *testing.T) {
	var all []string
	for path, names := range std.Generic {
		for _, n := range names {
			all = append(all, path+"."+n)
		}
	}
	sort.Strings(all)
	listed := map[string]bool{}
	for _, name := range all {
		listed[name] = true
		c, ok := genericCases[name]
		if !ok {
			t.Errorf("%s: a generic name of the standard library without a case here: give it a stand-in in the prelude "+
				"(or a reason in noStandIns) and a case", name)
			continue
		}
		if _, refused := noStandIns[name]; refused != (c.err != "" && strings.Contains(c.err, "generic function or type")) {
			t.Errorf("%s: noStandIns and its case disagree", name)
		}
		t.Run(name, func(t *testing.T) { runCells(t, []cellCase{c}) })
	}
	for name := range genericCases {
		if !listed[name] {
			t.Errorf("%s: in genericCases but not a generic name of std.Generic", name)
		}
	}
}

// TestStandInsLoadWhenUsed checks that a session evaluates a stand-in when a cell first uses it, with the
// stand-ins it uses, and no other (they would slow down every session's start).
func TestStandInsLoadWhenUsed(t *testing.T) {
	s, out, _ := newSession(t)
	for name, l := range s.lazy {
		if l.loaded {
			t.Errorf("%s loaded before any cell used it", name)
		}
	}
	checkCells(t, s, out, []cellCase{{code: "fmt.Println(slices.Compare([]int{1}, []int{2}))", stdout: "-1\n"}})
	for name, l := range s.lazy {
		want := name == "__golm_slices_Compare" || name == "__golm_cmp_Compare"
		if l.loaded != want {
			t.Errorf("%s loaded = %v, want %v", name, l.loaded, want)
		}
	}
	if len(s.lazy) < 50 {
		t.Errorf("%d stand-ins load when used, want every stand-in of the prelude (50 or more)", len(s.lazy))
	}
}
