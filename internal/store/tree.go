package store

import (
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Entry is one regular file in a tree. Symlinks and submodules are left out:
// the wiki serves file contents only and never follows links.
type Entry struct {
	Path string // slash-separated, relative to the tree root
	Blob Hash
	Exec bool
}

// Tree is the flat file listing of one commit, made once and then shared by
// readers; it is immutable.
type Tree struct {
	Commit Hash
	files  []Entry // sorted by Path
	index  map[string]int
}

// Entries lists every file, sorted by path. Callers must not modify it.
func (t *Tree) Entries() []Entry { return t.files }

// Lookup finds a file by its exact path.
func (t *Tree) Lookup(p string) (Entry, bool) {
	i, ok := t.index[p]
	if !ok {
		return Entry{}, false
	}
	return t.files[i], true
}

// Len is the number of files.
func (t *Tree) Len() int { return len(t.files) }

// Tree lists every file of a commit.
func (r *Repo) Tree(ctx context.Context, commit Hash) (*Tree, error) {
	t := &Tree{Commit: commit, index: map[string]int{}}
	err := r.with(ctx, func(g *git.Repository) error {
		t.files = t.files[:0]
		c, err := g.CommitObject(commit.p())
		if err != nil {
			return fmt.Errorf("commit %s: %w", commit.Short(), notFound(err))
		}
		root, err := g.TreeObject(c.TreeHash)
		if err != nil {
			return fmt.Errorf("tree of %s: %w", commit.Short(), notFound(err))
		}
		return walkTree(g, root, "", func(p string, e object.TreeEntry) {
			t.files = append(t.files, Entry{Path: p, Blob: toHash(e.Hash), Exec: e.Mode == filemode.Executable})
		})
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(t.files, func(i, j int) bool { return t.files[i].Path < t.files[j].Path })
	for i, e := range t.files {
		t.index[e.Path] = i
	}
	return t, nil
}

func walkTree(g *git.Repository, t *object.Tree, prefix string, fn func(string, object.TreeEntry)) error {
	for _, e := range t.Entries {
		p := path.Join(prefix, e.Name)
		switch e.Mode {
		case filemode.Dir:
			sub, err := g.TreeObject(e.Hash)
			if err != nil {
				return fmt.Errorf("tree %s: %w", p, notFound(err))
			}
			if err := walkTree(g, sub, p, fn); err != nil {
				return err
			}
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
			fn(p, e)
		}
	}
	return nil
}

// ReadBlob reads a blob whole; small blobs are cached, so callers must not
// modify the result. Blobs larger than max bytes are refused with
// ErrTooLarge, so a huge file pushed with git cannot exhaust memory.
func (r *Repo) ReadBlob(ctx context.Context, h Hash, max int64) ([]byte, error) {
	if b, ok := r.blobs.get(h); ok && (max <= 0 || int64(len(b)) <= max) {
		return b, nil
	}
	var out []byte
	err := r.with(ctx, func(g *git.Repository) error {
		obj, err := g.Storer.EncodedObject(plumbing.BlobObject, h.p())
		if err != nil {
			return fmt.Errorf("blob %s: %w", h.Short(), notFound(err))
		}
		if max > 0 && obj.Size() > max {
			return fmt.Errorf("blob %s is %d bytes: %w", h.Short(), obj.Size(), ErrTooLarge)
		}
		rd, err := obj.Reader()
		if err != nil {
			return fmt.Errorf("blob %s: %w", h.Short(), err)
		}
		defer rd.Close()
		// Read to a buffer of the blob's size, not a growing one: the blob
		// cache counts lengths, and a grown buffer holds up to twice that.
		out = make([]byte, obj.Size())
		if _, err := io.ReadFull(rd, out); err != nil {
			return fmt.Errorf("blob %s: %w", h.Short(), err)
		}
		return nil
	})
	if err == nil {
		r.blobs.put(h, out)
	}
	return out, err
}

// BlobSize is a blob's size without reading its content.
func (r *Repo) BlobSize(ctx context.Context, h Hash) (int64, error) {
	var n int64
	err := r.with(ctx, func(g *git.Repository) error {
		var err error
		n, err = g.Storer.EncodedObjectSize(h.p())
		if err != nil {
			return fmt.Errorf("blob %s: %w", h.Short(), notFound(err))
		}
		return nil
	})
	return n, err
}

// ReadFileAt reads one file of a commit by descending the trees on its path,
// without listing the whole tree. ok is false when there is no such file.
func (r *Repo) ReadFileAt(ctx context.Context, commit Hash, p string, max int64) (content []byte, blob Hash, ok bool, err error) {
	err = r.with(ctx, func(g *git.Repository) error {
		c, err := g.CommitObject(commit.p())
		if err != nil {
			return fmt.Errorf("commit %s: %w", commit.Short(), notFound(err))
		}
		h := c.TreeHash
		for _, seg := range strings.Split(p, "/") {
			if h, err = child(g, h, seg); err != nil {
				return err
			}
			if h.IsZero() {
				return nil
			}
		}
		obj, err := g.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, notFound(err))
		}
		if obj.Type() != plumbing.BlobObject {
			return nil
		}
		if max > 0 && obj.Size() > max {
			return fmt.Errorf("%s is %d bytes: %w", p, obj.Size(), ErrTooLarge)
		}
		rd, err := obj.Reader()
		if err != nil {
			return err
		}
		defer rd.Close()
		content, err = io.ReadAll(rd)
		blob, ok = toHash(h), err == nil
		return err
	})
	return content, blob, ok, err
}

// EntryChange is one file that differs between two trees: Old is zero
// (Blob.IsZero) when the file was added, New when it was deleted.
type EntryChange struct {
	Path     string
	Old, New Entry
}

// DiffEntries lists the regular files that differ between two commits'
// trees, with their entries on both sides, sorted by path. from may be
// ZeroHash (every file is added). Subtrees with equal ids are skipped, so
// the cost is in proportion to what changed, not to the size of the trees:
// it is how a commit's read model is derived from another's.
func (r *Repo) DiffEntries(ctx context.Context, from, to Hash) ([]EntryChange, error) {
	var out []EntryChange
	err := r.with(ctx, func(g *git.Repository) error {
		var ft, tt plumbing.Hash
		for i, c := range []Hash{from, to} {
			if c.IsZero() {
				continue
			}
			co, err := g.CommitObject(c.p())
			if err != nil {
				return fmt.Errorf("commit %s: %w", c.Short(), notFound(err))
			}
			if i == 0 {
				ft = co.TreeHash
			} else {
				tt = co.TreeHash
			}
		}
		return diffEntries(ctx, g, ft, tt, "", &out)
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// fileItems lists a tree's folders and regular files by name.
func fileItems(g *git.Repository, h plumbing.Hash) (dirs map[string]plumbing.Hash, files map[string]Entry, err error) {
	dirs, files = map[string]plumbing.Hash{}, map[string]Entry{}
	if h.IsZero() {
		return dirs, files, nil
	}
	t, err := g.TreeObject(h)
	if err != nil {
		return nil, nil, fmt.Errorf("tree %s: %w", h.String()[:10], notFound(err))
	}
	for _, e := range t.Entries {
		switch e.Mode {
		case filemode.Dir:
			dirs[e.Name] = e.Hash
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
			files[e.Name] = Entry{Blob: toHash(e.Hash), Exec: e.Mode == filemode.Executable}
		}
	}
	return dirs, files, nil
}

func diffEntries(ctx context.Context, g *git.Repository, a, b plumbing.Hash, prefix string, out *[]EntryChange) error {
	if a == b {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ad, af, err := fileItems(g, a)
	if err != nil {
		return err
	}
	bd, bf, err := fileItems(g, b)
	if err != nil {
		return err
	}
	join := func(n string) string {
		if prefix == "" {
			return n
		}
		return prefix + "/" + n
	}
	for n, ea := range af {
		eb := bf[n]
		if ea != eb {
			ea.Path, eb.Path = join(n), ""
			if !eb.Blob.IsZero() {
				eb.Path = ea.Path
			}
			*out = append(*out, EntryChange{Path: ea.Path, Old: ea, New: eb})
		}
	}
	for n, eb := range bf {
		if _, ok := af[n]; !ok {
			eb.Path = join(n)
			*out = append(*out, EntryChange{Path: eb.Path, New: eb})
		}
	}
	for n, ha := range ad {
		if err := diffEntries(ctx, g, ha, bd[n], join(n), out); err != nil {
			return err
		}
	}
	for n, hb := range bd {
		if _, ok := ad[n]; !ok {
			if err := diffEntries(ctx, g, plumbing.ZeroHash, hb, join(n), out); err != nil {
				return err
			}
		}
	}
	return nil
}
