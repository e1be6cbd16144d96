//go:build race

package sandbox

// raceEnabled reports a build with the race detector, whose shadow memory needs the address space that the
// child's RLIMIT_AS would take away; such builds (tests with -race) leave that limit out.
const raceEnabled = true
