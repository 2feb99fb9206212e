package site

import (
	"maps"
	"math/rand/v2"
	"testing"
)

// TestLayer: a chain of layers, each changed at random, reads like a plain
// map changed the same way, and the earlier layers keep their contents.
func TestLayer(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := newLayer[int, int]()
	want := map[int]int{}
	var past []layer[int, int]
	var pastWant []map[int]int
	for step := range 300 {
		m = m.next()
		for range r.IntN(40) {
			k := r.IntN(500)
			if r.IntN(3) == 0 {
				m.del(k)
				delete(want, k)
			} else {
				m.set(k, step)
				want[k] = step
			}
		}
		got := maps.Collect(m.all())
		if !maps.Equal(got, want) || m.len() != len(want) {
			t.Fatalf("step %d: %d entries, want %d", step, m.len(), len(want))
		}
		for k := range 500 {
			v, ok := m.get(k)
			if w, wok := want[k]; ok != wok || v != w {
				t.Fatalf("step %d: get(%d) = %d %v, want %d %v", step, k, v, ok, w, wok)
			}
		}
		if step%37 == 0 {
			past, pastWant = append(past, m), append(pastWant, maps.Clone(want))
		}
	}
	for i, p := range past {
		if !maps.Equal(maps.Collect(p.all()), pastWant[i]) {
			t.Fatalf("layer %d changed after later ones were derived", i)
		}
	}
}
