package site

import (
	"iter"
	"maps"
)

// layer is a map that successive commits' models share: what a model
// changed sits in a small top map over a base map shared with the models
// it was derived from, so deriving the model of a one-page edit no longer
// copies every file, page, link and backlink (copying those maps, and
// collecting the copies, was most of an edit's cost on a large wiki).
// Neither map is written once a model is published; next gives a layer to
// change, and merges the two maps into a new base when the top has grown
// to a share of the base, so a lookup is at most two map reads.
type layer[K comparable, V any] struct {
	base map[K]V
	top  map[K]slot[V] // set here (ok) or deleted here (!ok)
	n    int           // entries
}

type slot[V any] struct {
	v  V
	ok bool
}

// mergeShare: the top is merged into the base when it holds more than one
// entry for every mergeShare of the base (and more than mergeMin).
const (
	mergeShare = 8
	mergeMin   = 64
)

func newLayer[K comparable, V any]() layer[K, V] {
	return layer[K, V]{base: map[K]V{}}
}

func (m *layer[K, V]) get(k K) (V, bool) {
	if s, ok := m.top[k]; ok {
		return s.v, s.ok
	}
	v, ok := m.base[k]
	return v, ok
}

// at is get without the flag.
func (m *layer[K, V]) at(k K) V {
	v, _ := m.get(k)
	return v
}

func (m *layer[K, V]) has(k K) bool {
	_, ok := m.get(k)
	return ok
}

func (m *layer[K, V]) len() int { return m.n }

// all lists every entry, in no order.
func (m *layer[K, V]) all() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for k, v := range m.base {
			if _, over := m.top[k]; over {
				continue
			}
			if !yield(k, v) {
				return
			}
		}
		for k, s := range m.top {
			if s.ok && !yield(k, s.v) {
				return
			}
		}
	}
}

// next is a copy of m to change, sharing m's base.
func (m *layer[K, V]) next() layer[K, V] {
	if len(m.top) > mergeMin && len(m.top)*mergeShare > len(m.base) {
		base := maps.Clone(m.base)
		for k, s := range m.top {
			if s.ok {
				base[k] = s.v
			} else {
				delete(base, k)
			}
		}
		return layer[K, V]{base: base, n: m.n}
	}
	return layer[K, V]{base: m.base, top: maps.Clone(m.top), n: m.n}
}

func (m *layer[K, V]) set(k K, v V) {
	if !m.has(k) {
		m.n++
	}
	if m.top == nil {
		m.top = map[K]slot[V]{}
	}
	m.top[k] = slot[V]{v: v, ok: true}
}

func (m *layer[K, V]) del(k K) {
	if !m.has(k) {
		return
	}
	m.n--
	if _, inBase := m.base[k]; !inBase {
		delete(m.top, k)
		return
	}
	if m.top == nil {
		m.top = map[K]slot[V]{}
	}
	m.top[k] = slot[V]{}
}
