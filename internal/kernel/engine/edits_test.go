package engine

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// try calls f, reporting whether it panicked (applying overlapping edits one by one can go out of range).
func try(f func() string) (s string, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	return f(), false
}

// TestApplyEditsOnePass: the one-pass application gives what applying the edits one by one gives, for
// random edits that overlap or not (insertions, replacements, deletions, several at one place); where
// that goes out of range, so does the one-pass application.
func TestApplyEditsOnePass(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const src = "package main\n\nfunc f() { x := 1; y := 2; println(x + y) }\n"
	for trial := range 2000 {
		var edits []srcEdit
		for range r.IntN(6) {
			start := r.IntN(len(src) + 1)
			end := start + r.IntN(min(4, len(src)-start)+1)
			edits = append(edits, srcEdit{start: start, end: end, text: string(rune('A' + r.IntN(26)))})
		}
		want := slices.Clone(edits)
		sort.SliceStable(want, func(i, j int) bool { return want[i].start > want[j].start })
		got, gotPanic := try(func() string { return applyEdits(src, slices.Clone(edits)) })
		exp, expPanic := try(func() string { return applyEach(src, want) })
		if got != exp || gotPanic != expPanic {
			t.Fatalf("trial %d, edits %+v:\n got %q (panic %v)\nwant %q (panic %v)", trial, edits, got, gotPanic, exp, expPanic)
		}
	}
}
