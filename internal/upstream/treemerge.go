package upstream

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gitwiki/gitwiki/internal/merge"
	"github.com/gitwiki/gitwiki/internal/store"
)

// maxMergeBytes bounds a file merged as text; a larger one that both
// sides changed is a conflict.
const maxMergeBytes = 16 << 20

// MergeTrees computes the writes that bring theirs' changes since base
// onto ours, the approach of review's proposal merge applied to whole
// trees: a file only theirs changed is taken, one both changed alike is
// kept, text both changed is merged three ways with internal/merge, and
// everything else both changed (overlapping edits, an edit against a
// deletion, binary files, a file where the other side has a folder) is a
// conflict, listed by path. Nothing is written when there are conflicts.
//
// review.mergeTrees could be built on this (it adds the content prefix and
// a maintainer's resolutions); see the report of issue 14.
func MergeTrees(ctx context.Context, repo *store.Repo, base, ours, theirs store.Hash) ([]store.FileWrite, []string, error) {
	changes, err := repo.DiffCommits(ctx, base, theirs)
	if err != nil {
		return nil, nil, err
	}
	bt, err := treeOf(ctx, repo, base)
	if err != nil {
		return nil, nil, err
	}
	ot, err := treeOf(ctx, repo, ours)
	if err != nil {
		return nil, nil, err
	}
	tt, err := treeOf(ctx, repo, theirs)
	if err != nil {
		return nil, nil, err
	}
	var writes []store.FileWrite
	var conflicts []string
	for _, fc := range changes {
		b, inB := bt.Lookup(fc.Path)
		o, inO := ot.Lookup(fc.Path)
		t, inT := tt.Lookup(fc.Path)
		switch {
		case same(o, inO, t, inT):
			continue // both sides agree
		case same(o, inO, b, inB) && !inT:
			writes = append(writes, store.FileWrite{Path: fc.Path, Delete: true})
			continue
		case same(o, inO, b, inB) && !shadows(ot, fc.Path):
			content, err := repo.ReadBlob(ctx, t.Blob, maxCarryBytes)
			if err == nil {
				writes = append(writes, store.FileWrite{Path: fc.Path, Content: content})
				continue
			}
			if !errors.Is(err, store.ErrTooLarge) {
				return nil, nil, err
			}
		case inB && inO && inT:
			merged, ok, err := mergeBlobs(ctx, repo, b.Blob, o.Blob, t.Blob)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				writes = append(writes, store.FileWrite{Path: fc.Path, Content: merged})
				continue
			}
		}
		conflicts = append(conflicts, fc.Path)
	}
	if len(conflicts) > 0 {
		sort.Strings(conflicts)
		return nil, conflicts, nil
	}
	return writes, nil, nil
}

// maxCarryBytes bounds a file taken whole from the other side; a larger
// one is left to git.
const maxCarryBytes = 256 << 20

func same(a store.Entry, inA bool, b store.Entry, inB bool) bool {
	return inA == inB && (!inA || a.Blob == b.Blob)
}

func treeOf(ctx context.Context, repo *store.Repo, c store.Hash) (*store.Tree, error) {
	if c.IsZero() {
		return &store.Tree{}, nil
	}
	return repo.Tree(ctx, c)
}

func mergeBlobs(ctx context.Context, repo *store.Repo, b, o, t store.Hash) ([]byte, bool, error) {
	var texts [3][]byte
	for i, h := range []store.Hash{b, o, t} {
		c, err := repo.ReadBlob(ctx, h, maxMergeBytes)
		if errors.Is(err, store.ErrTooLarge) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		texts[i] = c
	}
	out, ok := mergeText(texts[0], texts[1], texts[2])
	return out, ok, nil
}

// mergeText merges three versions of a text file. Text with CR line ends
// is left to a person, since the merge would rewrite them as LF.
func mergeText(b, o, t []byte) ([]byte, bool) {
	for _, v := range [][]byte{b, o, t} {
		if !utf8.Valid(v) || bytes.IndexByte(v, 0) >= 0 || bytes.IndexByte(v, '\r') >= 0 {
			return nil, false
		}
	}
	out, _, ok := merge.Merge3Labels(string(b), string(o), string(t), merge.Labels{Ours: "wiki", Base: "common ancestor", Theirs: "upstream"})
	if !ok {
		return nil, false
	}
	return []byte(out), true
}

// shadows reports whether writing a file at p would replace something of
// ours: a folder at p, or a file where p needs a folder.
func shadows(t *store.Tree, p string) bool {
	for i := strings.IndexByte(p, '/'); i >= 0; i = next(p, i) {
		if _, ok := t.Lookup(p[:i]); ok {
			return true
		}
	}
	entries := t.Entries()
	k := sort.Search(len(entries), func(i int) bool { return entries[i].Path >= p+"/" })
	return k < len(entries) && strings.HasPrefix(entries[k].Path, p+"/")
}

func next(p string, i int) int {
	j := strings.IndexByte(p[i+1:], '/')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}
