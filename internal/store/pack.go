package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// ErrThinPack means a received pack has deltas against objects it does not
// carry; the receiver advertises "no-thin", so a client that sends one is
// not git.
var ErrThinPack = errors.New("thin packs are not accepted")

// ObjectKind is the type of a git object.
type ObjectKind uint8

// The object kinds.
const (
	KindCommit ObjectKind = iota + 1
	KindTree
	KindBlob
	KindTag
)

func (k ObjectKind) String() string {
	switch k {
	case KindCommit:
		return "commit"
	case KindTree:
		return "tree"
	case KindBlob:
		return "blob"
	case KindTag:
		return "tag"
	}
	return "unknown"
}

func kindOf(t plumbing.ObjectType) ObjectKind {
	switch t {
	case plumbing.CommitObject:
		return KindCommit
	case plumbing.TreeObject:
		return KindTree
	case plumbing.BlobObject:
		return KindBlob
	case plumbing.TagObject:
		return KindTag
	}
	return 0
}

// tempPackPrefix names the files a received pack is written to before it
// is installed. They are held with an OS lock while in use, so Open can
// tell debris of a killed process from a live transfer (see cleanDebris).
const tempPackPrefix = "tmp_gitwiki_pack_"

// IncomingPack is a pack a client sent, held in quarantine: it is written,
// verified and indexed under a temporary name in objects/pack, where no
// reader looks, so that its objects can be checked before any of them
// becomes part of the repository. Install publishes it; Close discards it
// unless it was installed. A kill at any point leaves only temporary files,
// which the next Open removes.
type IncomingPack struct {
	r     *Repo
	dir   string
	pack  *os.File // held with an OS lock until Close
	idx   *idxfile.MemoryIndex
	sum   plumbing.Hash
	kinds map[Hash]ObjectKind
	done  bool
	// pending is the type of the object being parsed.
	pending ObjectKind
}

// ReadPack receives a pack into quarantine, as git's index-pack does:
// write it to a temporary file, parse and verify every object, and build
// its index. An empty body is an empty pack.
func (r *Repo) ReadPack(ctx context.Context, src io.Reader) (*IncomingPack, error) {
	dir := filepath.Join(r.gitDir, "objects", "pack")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store pack: %w", err)
	}
	f, err := createTemp(dir, tempPackPrefix)
	if err != nil {
		return nil, fmt.Errorf("store pack: %w", err)
	}
	p := &IncomingPack{r: r, dir: dir, pack: f, kinds: map[Hash]ObjectKind{}}
	if err := p.read(ctx, src); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *IncomingPack) read(ctx context.Context, src io.Reader) error {
	n, err := io.Copy(p.pack, ctxReader{ctx, src})
	if err != nil {
		return fmt.Errorf("receive pack: %w", err)
	}
	if n == 0 {
		return nil
	}
	if _, err := p.pack.Seek(0, io.SeekStart); err != nil {
		return err
	}
	idxw := new(idxfile.Writer)
	parser, err := packfile.NewParser(packfile.NewScanner(p.pack), idxw, (*kindObserver)(p))
	if err != nil {
		return fmt.Errorf("read pack: %w", err)
	}
	sum, err := parser.Parse()
	if errors.Is(err, packfile.ErrReferenceDeltaNotFound) {
		return ErrThinPack
	}
	if err != nil {
		return fmt.Errorf("read pack: %w", err)
	}
	if len(p.kinds) == 0 {
		return nil
	}
	if p.idx, err = idxw.Index(); err != nil {
		return fmt.Errorf("index pack: %w", err)
	}
	p.sum = sum
	return nil
}

// kindObserver records each object's id and type as the parser resolves it:
// the header callback comes right before the content callback of the same
// object.
type kindObserver IncomingPack

func (o *kindObserver) OnHeader(uint32) error { return nil }
func (o *kindObserver) OnInflatedObjectHeader(t plumbing.ObjectType, _, _ int64) error {
	o.pending = kindOf(t)
	return nil
}
func (o *kindObserver) OnInflatedObjectContent(h plumbing.Hash, _ int64, _ uint32, _ []byte) error {
	o.kinds[toHash(h)] = o.pending
	return nil
}
func (o *kindObserver) OnFooter(plumbing.Hash) error { return nil }

// Len is the number of objects in the pack.
func (p *IncomingPack) Len() int { return len(p.kinds) }

// Kind is the type of an object of the pack; ok is false for an object the
// pack does not hold.
func (p *IncomingPack) Kind(h Hash) (kind ObjectKind, ok bool) {
	kind, ok = p.kinds[h]
	return kind, ok
}

// Each calls fn for every object of the pack, with the object's content for
// commits, trees and tags and nil for blobs, whose content no check needs.
// The kind of an object the parser could not tell is read from the pack.
func (p *IncomingPack) Each(ctx context.Context, fn func(id Hash, kind ObjectKind, raw []byte) error) error {
	if len(p.kinds) == 0 {
		return nil
	}
	fs := osfs.New(p.dir)
	bf, err := fs.Open(filepath.Base(p.pack.Name()))
	if err != nil {
		return fmt.Errorf("read pack: %w", err)
	}
	pf := packfile.NewPackfile(p.idx, nil, bf, 0)
	defer pf.Close()
	n := 0
	for id, kind := range p.kinds {
		if n++; n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if kind == KindBlob {
			if err := fn(id, kind, nil); err != nil {
				return err
			}
			continue
		}
		obj, err := pf.Get(id.p())
		if err != nil {
			return fmt.Errorf("read pack object %s: %w", id.Short(), err)
		}
		if kind = kindOf(obj.Type()); kind == 0 {
			return fmt.Errorf("read pack object %s: unknown type %s", id.Short(), obj.Type())
		}
		p.kinds[id] = kind
		if kind == KindBlob {
			if err := fn(id, kind, nil); err != nil {
				return err
			}
			continue
		}
		raw, err := readAll(obj)
		if err != nil {
			return fmt.Errorf("read pack object %s: %w", id.Short(), err)
		}
		if err := fn(id, kind, raw); err != nil {
			return err
		}
	}
	return nil
}

func readAll(obj plumbing.EncodedObject) ([]byte, error) {
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// Install makes the pack's objects part of the repository: the index goes
// in first, then the pack, and every reader reindexes. go-git fails every
// read while a .pack has no .idx, and C git skips an .idx without its
// .pack, so a kill between the two renames leaves a stray index both ignore.
func (p *IncomingPack) Install() error {
	if p.done {
		return errors.New("store pack: already closed")
	}
	if len(p.kinds) == 0 {
		return nil
	}
	final := filepath.Join(p.dir, "pack-"+p.sum.String())
	if _, err := os.Stat(final + ".pack"); err == nil {
		return nil // the very same pack is already here
	}
	idxName := p.pack.Name() + ".idx"
	if err := writeIdx(idxName, p.idx); err != nil {
		os.Remove(idxName)
		return err
	}
	if err := p.pack.Sync(); err != nil {
		os.Remove(idxName)
		return fmt.Errorf("store pack: %w", err)
	}
	os.Chmod(p.pack.Name(), 0o444)
	os.Chmod(idxName, 0o444)
	if err := os.Rename(idxName, final+".idx"); err != nil {
		os.Remove(idxName)
		return fmt.Errorf("store pack: %w", err)
	}
	if err := os.Rename(p.pack.Name(), final+".pack"); err != nil {
		os.Remove(final + ".idx")
		return fmt.Errorf("store pack: %w", err)
	}
	p.done = true
	p.pack.Close()
	syncDir(p.dir)
	p.r.packsChanged()
	return nil
}

// Close discards the pack unless it was installed.
func (p *IncomingPack) Close() error {
	if p.done {
		return nil
	}
	p.done = true
	// Removed before the OS lock goes with the descriptor, so no one sees
	// an unlocked temporary file of a live transfer.
	os.Remove(p.pack.Name())
	return p.pack.Close()
}

func writeIdx(name string, idx *idxfile.MemoryIndex) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("index pack: %w", err)
	}
	bw := bufio.NewWriter(f)
	_, err = idxfile.NewEncoder(bw).Encode(idx)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("index pack: %w", err)
	}
	return nil
}

// packsChanged makes every handle reindex the packfiles before its next use.
func (r *Repo) packsChanged() {
	r.headMu.Lock()
	r.packStamp = statStamp(filepath.Join(r.gitDir, "objects", "pack"))
	r.headMu.Unlock()
	r.gen.Add(1)
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
