//go:build race

package render

// raceEnabled shrinks the pathological inputs under the race detector,
// which makes goldmark about ten times slower.
const raceEnabled = true
