package render

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// DefaultKeepBytes bounds the sources whose parses a Renderer keeps when
// Config.KeepParses is set and KeepBytes is 0. A parse's syntax tree holds
// five to six times its source (a build of 2,000 generated pages, 15 MB
// of markdown: 80 MB more live heap), so this is about 130 MB of trees:
// every page of a wiki of 3,000 ordinary pages, a third of 10,000.
const DefaultKeepBytes = 24 << 20

// kept holds the parses Summarize made, for the Render of the same source
// to take once: a build or a check summarizes every page for the read
// model and then renders each, and the second parse was a sixth of a
// build's CPU time. Entries are keyed by a hash of the file and source
// and checked against both, so a collision only costs a parse.
type kept struct {
	seed  maphash.Seed
	mu    sync.Mutex
	m     map[uint64]keptParse
	bytes int64
	limit int64
}

type keptParse struct {
	file string
	src  []byte
	p    *parsed
}

func newKept(limit int64) *kept {
	if limit <= 0 {
		limit = DefaultKeepBytes
	}
	return &kept{seed: maphash.MakeSeed(), m: map[uint64]keptParse{}, limit: limit}
}

func (k *kept) key(file string, src []byte) uint64 {
	var h maphash.Hash
	h.SetSeed(k.seed)
	h.WriteString(file)
	h.WriteByte(0)
	h.Write(src)
	return h.Sum64()
}

// put keeps p, parsed from src of file, unless the budget is spent: past
// it, Render parses again, as without keeping.
func (k *kept) put(file string, src []byte, p *parsed) {
	if file == "" {
		return
	}
	key := k.key(file, src)
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, dup := k.m[key]; dup || k.bytes+int64(len(src)) > k.limit {
		return
	}
	k.m[key] = keptParse{file: file, src: src, p: p}
	k.bytes += int64(len(src))
}

// take returns the parse kept for src of file, and forgets it: Render
// changes the tree it renders.
func (k *kept) take(file string, src []byte) *parsed {
	if file == "" {
		return nil
	}
	key := k.key(file, src)
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.m[key]
	if !ok || e.file != file || !bytes.Equal(e.src, src) {
		return nil
	}
	delete(k.m, key)
	k.bytes -= int64(len(e.src))
	return e.p
}
