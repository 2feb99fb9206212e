package store

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// The history index makes a page's history, its last change and the
// recent changes cost in proportion to the answer rather than to the
// repository. It lists the served branch's first-parent line, root first,
// with the files each commit changed against its first parent, and for
// every path the positions of the commits that changed it.
//
// It is a cache keyed by commit: kept up to date in the background as the
// branch moves (writes of this process, pushes, commits made on disk),
// truncated where the branch was rewritten, and persisted in DATA so a
// restart reads only the commits it has not seen. A walk from a commit not
// on the indexed line (a newer head the index has not caught up with, a
// proposal's branch) reads commits one by one until it meets the line,
// then continues in the index; without an index every walk is read that
// way. Answers are the same either way, which the tests check.

const (
	histMagic  = "gitwiki history index\n"
	histFormat = 1
	histFile   = "history"
	// syncWalk: a query from a head at most this many commits past the
	// indexed line extends the index itself, at once; a longer way is
	// left to the background.
	syncWalk = 64
)

type histIndex struct {
	mu      sync.RWMutex
	chain   []Hash         // first-parent line, root first
	pos     map[Hash]int32 // commit → position in chain
	changes [][]FileChange // per position, as diffTrees lists them
	byPath  map[string][]int32

	file    string   // "" keeps it in memory only
	f       *os.File // appended as the line grows
	log     *slog.Logger
	running bool       // an extension is under way in the background
	extMu   sync.Mutex // one extension at a time
	bg      sync.WaitGroup
	ctx     context.Context
	stop    context.CancelFunc
}

// IndexHistory starts keeping the history index of the served branch in
// dir (DATA's cache; "" keeps it in memory only). It returns at once: the
// index is read and brought up to date in the background, and queries are
// answered without it until then. Close stops it.
func (r *Repo) IndexHistory(dir string, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	ctx, stop := context.WithCancel(context.Background())
	h := &histIndex{pos: map[Hash]int32{}, byPath: map[string][]int32{}, log: log, ctx: ctx, stop: stop}
	if dir != "" {
		h.file = filepath.Join(dir, histFile)
	}
	r.histMu.Lock()
	r.hist = h
	r.histMu.Unlock()
	h.mu.Lock()
	h.running = true
	h.mu.Unlock()
	h.bg.Go(func() {
		if h.file != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				log.Warn("history index: kept in memory only", "err", err)
				h.file = ""
			} else {
				h.load()
			}
		}
		h.extendToHead(r)
	})
}

// WaitHistory waits until the history index has caught up with the head
// it last saw, for tests and benchmarks.
func (r *Repo) WaitHistory() {
	if h := r.index(); h != nil {
		for {
			h.bg.Wait()
			head, err := r.Head(h.ctx)
			h.mu.RLock()
			_, ok := h.pos[head]
			h.mu.RUnlock()
			if ok || err != nil || h.ctx.Err() != nil {
				return
			}
			h.kick(r)
		}
	}
}

func (r *Repo) index() *histIndex {
	r.histMu.Lock()
	defer r.histMu.Unlock()
	return r.hist
}

func (r *Repo) closeHistory() {
	r.histMu.Lock()
	h := r.hist
	r.hist = nil
	r.histMu.Unlock()
	if h == nil {
		return
	}
	h.stop()
	h.bg.Wait()
	h.mu.Lock()
	if h.f != nil {
		h.f.Close()
		h.f = nil
	}
	h.mu.Unlock()
}

// kick starts bringing the index up to the head, unless that is under way.
func (h *histIndex) kick(r *Repo) {
	h.mu.Lock()
	if h.running || h.ctx.Err() != nil {
		h.mu.Unlock()
		return
	}
	h.running = true
	h.mu.Unlock()
	h.bg.Go(func() { h.extendToHead(r) })
}

func (h *histIndex) extendToHead(r *Repo) {
	defer func() {
		h.mu.Lock()
		h.running = false
		h.mu.Unlock()
	}()
	head, err := r.Head(h.ctx)
	if err == nil {
		err = r.with(h.ctx, func(g *git.Repository) error { return h.extend(h.ctx, g, head, -1) })
	}
	if err != nil && h.ctx.Err() == nil {
		h.log.Warn("history index: not brought up to date", "err", err)
	}
}

// extend makes head the tip of the indexed line: it walks head's first
// parents back to the line (at most limit commits; -1 for no limit), drops
// what follows that point on the line (the branch was rewritten), and
// appends the walked commits. It reports errWalkTooLong past the limit.
func (h *histIndex) extend(ctx context.Context, g *git.Repository, head Hash, limit int) error {
	if limit < 0 {
		h.extMu.Lock()
	} else if !h.extMu.TryLock() {
		return errWalkTooLong // the background is at it: the query walks
	}
	defer h.extMu.Unlock()
	h.mu.RLock()
	_, known := h.pos[head]
	h.mu.RUnlock()
	if known && h.tip() == head {
		return nil
	}
	var walked []*object.Commit
	meet := int32(-1)
	for c := head; ; {
		if i, ok := h.at(c); ok {
			meet = i
			break
		}
		if limit >= 0 && len(walked) >= limit {
			return errWalkTooLong
		}
		if len(walked)%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		co, err := g.CommitObject(c.p())
		if err != nil {
			return fmt.Errorf("commit %s: %w", c.Short(), notFound(err))
		}
		walked = append(walked, co)
		if len(co.ParentHashes) == 0 || len(walked) >= maxWalk {
			break
		}
		c = toHash(co.ParentHashes[0])
	}
	added := make([][]FileChange, len(walked))
	for i := len(walked) - 1; i >= 0; i-- {
		if i%64 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		c := walked[i]
		var parentTree plumbing.Hash
		if len(c.ParentHashes) > 0 {
			p, err := g.CommitObject(c.ParentHashes[0])
			if err != nil {
				return fmt.Errorf("commit %s: %w", c.ParentHashes[0].String()[:10], notFound(err))
			}
			parentTree = p.TreeHash
		}
		if err := diffTrees(g, parentTree, c.TreeHash, "", &added[i]); err != nil {
			return err
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	rewrite := int(meet)+1 < len(h.chain)
	if rewrite {
		h.truncate(int(meet) + 1)
	}
	var parent Hash
	if len(h.chain) > 0 {
		parent = h.chain[len(h.chain)-1]
	}
	start := len(h.chain)
	for i := len(walked) - 1; i >= 0; i-- {
		h.append(toHash(walked[i].Hash), added[i])
	}
	h.persist(rewrite, start, parent)
	return nil
}

var errWalkTooLong = errors.New("history index: head too far ahead")

func (h *histIndex) tip() Hash {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if len(h.chain) == 0 {
		return ZeroHash
	}
	return h.chain[len(h.chain)-1]
}

func (h *histIndex) at(c Hash) (int32, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	i, ok := h.pos[c]
	return i, ok
}

// append adds one commit at the tip; the caller holds mu.
func (h *histIndex) append(c Hash, changes []FileChange) {
	i := int32(len(h.chain))
	h.chain = append(h.chain, c)
	h.pos[c] = i
	for _, fc := range changes {
		if list := h.byPath[fc.Path]; len(list) == 0 || list[len(list)-1] != i {
			h.byPath[fc.Path] = append(list, i)
		}
	}
	h.changes = append(h.changes, changes)
}

// truncate keeps the first n commits of the line; the caller holds mu.
func (h *histIndex) truncate(n int) {
	for i := n; i < len(h.chain); i++ {
		delete(h.pos, h.chain[i])
		for _, fc := range h.changes[i] {
			list := h.byPath[fc.Path]
			k := sort.Search(len(list), func(j int) bool { return list[j] >= int32(n) })
			if k == 0 {
				delete(h.byPath, fc.Path)
			} else {
				h.byPath[fc.Path] = list[:k:k]
			}
		}
	}
	h.chain, h.changes = h.chain[:n:n], h.changes[:n:n]
}

// Persistence: the header, then one record per commit of the line, root
// first: commit[20] parent[20] uvarint(n) n×(kind, string path), each
// followed by its CRC-32. A record whose parent is not the commit before
// it, or whose checksum fails, ends the file: the rest is walked again.

func histHeader() []byte {
	b := []byte(histMagic)
	return binary.AppendUvarint(b, histFormat)
}

func (h *histIndex) load() {
	b, err := os.ReadFile(h.file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		h.log.Warn("history index: rebuilt", "err", err)
	}
	hd := histHeader()
	good := 0
	if len(b) >= len(hd) && string(b[:len(hd)]) == string(hd) {
		good = len(hd)
		h.mu.Lock()
		for good < len(b) {
			n, k := binary.Uvarint(b[good:])
			if k <= 0 || n < 40 || uint64(len(b)-good-k) < n+4 {
				break
			}
			rec := b[good+k : good+k+int(n)]
			if crc32.ChecksumIEEE(rec) != binary.LittleEndian.Uint32(b[good+k+int(n):]) {
				break
			}
			c, parent, changes, ok := decodeHistRecord(rec)
			var want Hash
			if len(h.chain) > 0 {
				want = h.chain[len(h.chain)-1]
			}
			if !ok || parent != want {
				break
			}
			h.append(c, changes)
			good += k + int(n) + 4
		}
		h.mu.Unlock()
	}
	if good == 0 {
		h.mu.Lock()
		h.persist(true, 0, ZeroHash)
		h.mu.Unlock()
		return
	}
	f, err := os.OpenFile(h.file, os.O_RDWR, 0o600)
	if err == nil {
		err = f.Truncate(int64(good))
	}
	if err == nil {
		_, err = f.Seek(int64(good), io.SeekStart)
	}
	if err != nil {
		h.log.Warn("history index: kept in memory only", "err", err)
		if f != nil {
			f.Close()
		}
		return
	}
	h.f = f
}

func decodeHistRecord(rec []byte) (c, parent Hash, changes []FileChange, ok bool) {
	copy(c[:], rec[:20])
	copy(parent[:], rec[20:40])
	d := &dec{b: rec[40:]}
	n := d.uv()
	if n > uint64(len(d.b)) {
		return c, parent, nil, false
	}
	changes = make([]FileChange, n)
	for i := range changes {
		kind := ChangeKind(d.byte1())
		changes[i] = FileChange{Kind: kind, Path: d.str()}
		if kind != Added && kind != Modified && kind != Deleted {
			d.fail()
		}
	}
	return c, parent, changes, d.err == nil && len(d.b) == 0
}

// persist writes the commits from position start on (all of them when
// rewrite); the caller holds mu. A failure leaves the index in memory.
func (h *histIndex) persist(rewrite bool, start int, parent Hash) {
	if h.file == "" {
		return
	}
	if rewrite || h.f == nil {
		if h.f != nil {
			h.f.Close()
			h.f = nil
		}
		tmp := h.file + ".new"
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			h.log.Warn("history index: kept in memory only", "err", err)
			return
		}
		if _, err := f.Write(histHeader()); err != nil {
			f.Close()
			return
		}
		h.f, start, parent = f, 0, ZeroHash
		defer func() {
			if h.f != nil && os.Rename(tmp, h.file) != nil {
				h.f.Close()
				h.f = nil
			}
		}()
	}
	w := bufio.NewWriterSize(h.f, 256<<10)
	for i := start; i < len(h.chain); i++ {
		rec := append(append([]byte(nil), h.chain[i][:]...), parent[:]...)
		rec = binary.AppendUvarint(rec, uint64(len(h.changes[i])))
		for _, fc := range h.changes[i] {
			rec = append(rec, byte(fc.Kind))
			rec = binary.AppendUvarint(rec, uint64(len(fc.Path)))
			rec = append(rec, fc.Path...)
		}
		out := binary.AppendUvarint(nil, uint64(len(rec)))
		out = append(out, rec...)
		out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(rec))
		if _, err := w.Write(out); err != nil {
			break
		}
		parent = h.chain[i]
	}
	if err := w.Flush(); err != nil {
		h.log.Warn("history index: kept in memory only", "err", err)
		h.f.Close()
		h.f = nil
	}
}

// Queries.

// walk visits the first-parent line from `from`, newest first, reading
// each commit and its first parent from the repository, until visit
// returns false, the root, or a commit on the indexed line: then ok is
// true and at is that commit's position, for the caller to go on in the
// index h. Without an index it visits the whole line; so it does for a
// path p ("" for none) the index knows nothing of.
func (r *Repo) walk(ctx context.Context, g *git.Repository, from Hash, p string, visit func(c, parent *object.Commit) (bool, error)) (h *histIndex, at int32, ok bool, err error) {
	h = r.index()
	if h != nil && p != "" && !h.knows(p) {
		// A path no indexed commit changed as a file (a folder, or a
		// file that never was): the index cannot tell, the walk can.
		h = nil
	}
	if h != nil {
		if _, known := h.at(from); !known {
			if head, herr := r.Head(ctx); herr == nil && head == from {
				// A head just past the line: extend the index now.
				if err := h.extend(ctx, g, head, syncWalk); err != nil && !errors.Is(err, errWalkTooLong) {
					return nil, 0, false, err
				}
			}
			if _, known := h.at(from); !known {
				h.kick(r)
			}
		}
	}
	cur, err := g.CommitObject(from.p())
	if err != nil {
		return nil, 0, false, fmt.Errorf("commit %s: %w", from.Short(), notFound(err))
	}
	for n := 0; n < maxWalk; n++ {
		if h != nil {
			if i, known := h.at(toHash(cur.Hash)); known {
				return h, i, true, nil
			}
		}
		if n%256 == 0 && ctx.Err() != nil {
			return nil, 0, false, ctx.Err()
		}
		var parent *object.Commit
		if len(cur.ParentHashes) > 0 {
			if parent, err = g.CommitObject(cur.ParentHashes[0]); err != nil {
				return nil, 0, false, fmt.Errorf("parent of %s: %w", cur.Hash.String()[:10], notFound(err))
			}
		}
		more, err := visit(cur, parent)
		if err != nil || !more || parent == nil {
			return nil, 0, false, err
		}
		cur = parent
	}
	return nil, 0, false, nil
}

func treeOf(c *object.Commit) plumbing.Hash {
	if c == nil {
		return plumbing.ZeroHash
	}
	return c.TreeHash
}

// changedAt lists, newest first, the positions at or before `at` whose
// commits changed path p, at most limit of them (0: all).
func (h *histIndex) changedAt(p string, at int32, limit int) []int32 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	list := h.byPath[p]
	k := sort.Search(len(list), func(j int) bool { return list[j] > at })
	var out []int32
	for j := k - 1; j >= 0 && (limit <= 0 || len(out) < limit); j-- {
		out = append(out, list[j])
	}
	return out
}

// knows reports whether some indexed commit changed file p.
func (h *histIndex) knows(p string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.byPath[p]) > 0
}

func (h *histIndex) commitAt(i int32) (Hash, []FileChange) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.chain[i], slices.Clone(h.changes[i])
}

// dec reads the index file's strings.
type dec struct {
	b   []byte
	err error
}

var errBadRecord = errors.New("bad record")

func (d *dec) fail() { d.err, d.b = errBadRecord, nil }

func (d *dec) uv() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) byte1() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *dec) str() string {
	n := d.uv()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
