package store

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxWalk bounds any history walk, so a request cannot walk forever on a
// pathological history.
const maxWalk = 200000

// FileHistory lists the commits on the first-parent line from `from` that
// changed file p, newest first, at most limit of them. It compares subtree ids
// level by level instead of using go-git's path-filtered Log, which diffs
// whole trees and takes seconds on a real history.
func (r *Repo) FileHistory(ctx context.Context, from Hash, p string, limit int) ([]*Commit, error) {
	segs := strings.Split(p, "/")
	var out []*Commit
	err := r.with(ctx, func(g *git.Repository) error {
		h, at, ok, err := r.walk(ctx, g, from, p, func(c, parent *object.Commit) (bool, error) {
			changed, err := pathChanged(g, c.TreeHash, treeOf(parent), segs)
			if changed {
				out = append(out, convCommit(c))
			}
			return err == nil && (limit <= 0 || len(out) < limit), err
		})
		if err != nil || !ok {
			return err
		}
		rest := 0
		if limit > 0 {
			rest = limit - len(out)
		}
		for _, i := range h.changedAt(p, at, rest) {
			id, _ := h.commitAt(i)
			c, err := g.CommitObject(id.p())
			if err != nil {
				return fmt.Errorf("commit %s: %w", id.Short(), notFound(err))
			}
			out = append(out, convCommit(c))
		}
		return nil
	})
	return out, err
}

// pathChanged reports whether the entry at segs differs between two trees,
// stopping as soon as an enclosing subtree has the same id on both sides.
func pathChanged(g *git.Repository, a, b plumbing.Hash, segs []string) (bool, error) {
	for _, seg := range segs {
		if a == b {
			return false, nil
		}
		var err error
		if a, err = child(g, a, seg); err != nil {
			return false, err
		}
		if b, err = child(g, b, seg); err != nil {
			return false, err
		}
	}
	return a != b, nil
}

// child is the id of the named entry of a tree, or zero when absent.
func child(g *git.Repository, tree plumbing.Hash, name string) (plumbing.Hash, error) {
	if tree.IsZero() {
		return plumbing.ZeroHash, nil
	}
	t, err := g.TreeObject(tree)
	if err != nil {
		// A blob where a folder was expected: the path does not exist here.
		if obj, oerr := g.Storer.EncodedObject(plumbing.AnyObject, tree); oerr == nil && obj.Type() != plumbing.TreeObject {
			return plumbing.ZeroHash, nil
		}
		return plumbing.ZeroHash, fmt.Errorf("tree %s: %w", tree.String()[:10], notFound(err))
	}
	for _, e := range t.Entries {
		if e.Name == name {
			if e.Mode == filemode.Symlink || e.Mode == filemode.Submodule {
				return plumbing.ZeroHash, nil
			}
			return e.Hash, nil
		}
	}
	return plumbing.ZeroHash, nil
}

// ChangeKind says what happened to a file in a commit.
type ChangeKind byte

const (
	Added    ChangeKind = 'A'
	Modified ChangeKind = 'M'
	Deleted  ChangeKind = 'D'
)

// FileChange is one changed file of a commit, compared with its first parent.
type FileChange struct {
	Path string
	Kind ChangeKind
}

// LogEntry is a commit with the files it changed.
type LogEntry struct {
	*Commit
	Changes []FileChange
}

// Log lists the first-parent line from `from`, newest first, with the files
// each commit changed. Subtrees with equal ids are skipped, so the cost is in
// proportion to what changed, not to the size of the wiki.
func (r *Repo) Log(ctx context.Context, from Hash, limit int) ([]LogEntry, error) {
	var out []LogEntry
	more := func() bool { return limit <= 0 || len(out) < limit }
	err := r.with(ctx, func(g *git.Repository) error {
		h, at, ok, err := r.walk(ctx, g, from, "", func(c, parent *object.Commit) (bool, error) {
			var changes []FileChange
			if err := diffTrees(g, treeOf(parent), c.TreeHash, "", &changes); err != nil {
				return false, err
			}
			out = append(out, LogEntry{Commit: convCommit(c), Changes: changes})
			return more(), nil
		})
		if err != nil || !ok {
			return err
		}
		for i := at; i >= 0 && more(); i-- {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			id, changes := h.commitAt(i)
			c, err := g.CommitObject(id.p())
			if err != nil {
				return fmt.Errorf("commit %s: %w", id.Short(), notFound(err))
			}
			out = append(out, LogEntry{Commit: convCommit(c), Changes: changes})
		}
		return nil
	})
	return out, err
}

// DiffCommits lists the files that differ between two commits' trees.
func (r *Repo) DiffCommits(ctx context.Context, from, to Hash) ([]FileChange, error) {
	var out []FileChange
	err := r.with(ctx, func(g *git.Repository) error {
		var ft, tt plumbing.Hash
		if !from.IsZero() {
			c, err := g.CommitObject(from.p())
			if err != nil {
				return fmt.Errorf("commit %s: %w", from.Short(), notFound(err))
			}
			ft = c.TreeHash
		}
		c, err := g.CommitObject(to.p())
		if err != nil {
			return fmt.Errorf("commit %s: %w", to.Short(), notFound(err))
		}
		tt = c.TreeHash
		return diffTrees(g, ft, tt, "", &out)
	})
	return out, err
}

type treeItem struct {
	hash plumbing.Hash
	dir  bool
}

func treeItems(g *git.Repository, h plumbing.Hash) (map[string]treeItem, error) {
	m := map[string]treeItem{}
	if h.IsZero() {
		return m, nil
	}
	t, err := g.TreeObject(h)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", h.String()[:10], notFound(err))
	}
	for _, e := range t.Entries {
		switch e.Mode {
		case filemode.Dir:
			m[e.Name] = treeItem{e.Hash, true}
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
			m[e.Name] = treeItem{e.Hash, false}
		}
	}
	return m, nil
}

func diffTrees(g *git.Repository, a, b plumbing.Hash, prefix string, out *[]FileChange) error {
	if a == b {
		return nil
	}
	am, err := treeItems(g, a)
	if err != nil {
		return err
	}
	bm, err := treeItems(g, b)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(am)+len(bm))
	for n := range am {
		names = append(names, n)
	}
	for n := range bm {
		if _, ok := am[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		ea, inA := am[n]
		eb, inB := bm[n]
		p := path.Join(prefix, n)
		if inA && inB && ea == eb {
			continue
		}
		var ad, bd plumbing.Hash
		if inA && ea.dir {
			ad = ea.hash
		}
		if inB && eb.dir {
			bd = eb.hash
		}
		if !ad.IsZero() || !bd.IsZero() {
			if err := diffTrees(g, ad, bd, p, out); err != nil {
				return err
			}
		}
		aFile, bFile := inA && !ea.dir, inB && !eb.dir
		switch {
		case aFile && bFile:
			*out = append(*out, FileChange{p, Modified})
		case aFile:
			*out = append(*out, FileChange{p, Deleted})
		case bFile:
			*out = append(*out, FileChange{p, Added})
		}
	}
	return nil
}

// LastChange finds the newest commit on the first-parent line from `from`
// that changed file p. The walk ends early at stop (a commit whose answer
// the caller already knows): then reachedStop is true and c is nil.
func (r *Repo) LastChange(ctx context.Context, from Hash, p string, stop Hash) (c *Commit, reachedStop bool, err error) {
	segs := strings.Split(p, "/")
	err = r.with(ctx, func(g *git.Repository) error {
		h, at, ok, err := r.walk(ctx, g, from, p, func(cur, parent *object.Commit) (bool, error) {
			if !stop.IsZero() && cur.Hash == stop.p() {
				reachedStop = true
				return false, nil
			}
			changed, err := pathChanged(g, cur.TreeHash, treeOf(parent), segs)
			if changed {
				c = convCommit(cur)
			}
			return err == nil && !changed, err
		})
		if err != nil || !ok {
			return err
		}
		if found := h.changedAt(p, at, 1); len(found) > 0 {
			id, _ := h.commitAt(found[0])
			co, err := g.CommitObject(id.p())
			if err != nil {
				return fmt.Errorf("commit %s: %w", id.Short(), notFound(err))
			}
			c = convCommit(co)
		}
		return nil
	})
	return c, reachedStop, err
}
