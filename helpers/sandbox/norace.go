//go:build !race

package sandbox

// raceEnabled reports a build with the race detector (see race.go).
const raceEnabled = false
