package review

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"

	"github.com/gitwiki/gitwiki/internal/merge"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Standing is where an open proposal stands now: whether it still merges
// into main, and which other open proposals change the same files. It is
// computed on every look, so a conflict shows as soon as main or another
// proposal makes one, not first when a maintainer presses Merge.
type Standing struct {
	Main     store.Hash     // the main commit it was checked against
	Conflict *MergeConflict // nil when it would merge cleanly
	Overlaps []Overlap
}

// Overlap is another open proposal that changes a file this one changes.
type Overlap struct {
	Proposal  *Proposal
	Paths     []string // the files both change, relative to the content root
	Conflicts bool     // the two change the same lines differently
}

// Standing checks an open proposal against main and the other open
// proposals without writing anything.
func (s *Service) Standing(ctx context.Context, p *Proposal) (*Standing, error) {
	if p.State != Open {
		return &Standing{}, nil
	}
	main, err := s.repo.Head(ctx)
	if err != nil {
		return nil, err
	}
	st := &Standing{Main: main}
	if st.Conflict, err = s.ConflictAt(ctx, p, main); err != nil {
		return nil, err
	}
	mine, err := s.touched(ctx, p)
	if err != nil {
		return nil, err
	}
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.ID == p.ID || o.State != Open {
			continue
		}
		theirs, err := s.touched(ctx, o)
		if err != nil {
			return nil, err
		}
		var both []string
		for _, f := range mine {
			if containsPath(theirs, f) {
				both = append(both, f)
			}
		}
		if len(both) == 0 {
			continue
		}
		clash, err := s.clash(ctx, p.HeadHash(), o.HeadHash(), both)
		if err != nil {
			return nil, err
		}
		ov := Overlap{Proposal: o, Conflicts: clash}
		for _, f := range both {
			ov.Paths = append(ov.Paths, strings.TrimPrefix(f, s.prefix()))
		}
		st.Overlaps = append(st.Overlaps, ov)
	}
	return st, nil
}

// ConflictAt is what merging the proposal onto the main commit would leave
// to resolve; nil when it merges cleanly. A maintainer's per-block choices
// are applied to the blocks it returns for the head the form was made at.
func (s *Service) ConflictAt(ctx context.Context, p *Proposal, main store.Hash) (*MergeConflict, error) {
	head := p.HeadHash()
	if head.IsZero() {
		return nil, nil
	}
	key := main.String() + head.String()
	if c, ok := s.checks.get(key); ok {
		return c.(*MergeConflict), nil
	}
	_, conflict, err := s.mergeTrees(ctx, main, head, nil)
	if err != nil {
		return nil, err
	}
	s.checks.put(key, conflict)
	return conflict, nil
}

// ForPage lists the open proposals that change the page's file, oldest
// first, so a reader and an editor of the page can see them before
// proposing a change of their own that would collide.
func (s *Service) ForPage(ctx context.Context, page wikipath.Page) ([]*Proposal, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Proposal
	for _, p := range all {
		if p.State != Open {
			continue
		}
		if p.Page == page {
			out = append(out, p)
			continue
		}
		files, err := s.touched(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, f := range page.Files() {
			if containsPath(files, s.prefix()+f) {
				out = append(out, p)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Waiting counts the open proposals, for the maintainers' header.
func (s *Service) Waiting(ctx context.Context) (int, error) {
	all, err := s.List(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range all {
		if p.State == Open {
			n++
		}
	}
	return n, nil
}

// Version changes whenever any proposal or its record does, or main
// moves: a view that shows proposals is fresh while it is unchanged.
func (s *Service) Version(ctx context.Context) (string, error) {
	st, err := s.refState(ctx)
	if err != nil {
		return "", err
	}
	meta, err := s.repo.ResolveRef(ctx, MetaRef)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	return st.key + meta.String(), nil
}

// touched lists the files (full paths, sorted) the proposal changes since
// it forked; remembered by base and head, which fix the answer.
func (s *Service) touched(ctx context.Context, p *Proposal) ([]string, error) {
	base, head := p.BaseHash(), p.HeadHash()
	if head.IsZero() {
		return nil, nil
	}
	key := "t" + base.String() + head.String()
	if v, ok := s.checks.get(key); ok {
		return v.([]string), nil
	}
	changes, err := s.repo.DiffCommits(ctx, base, head)
	if err != nil {
		return nil, err
	}
	files := make([]string, 0, len(changes))
	for _, c := range changes {
		files = append(files, c.Path)
	}
	sort.Strings(files)
	s.checks.put(key, files)
	return files, nil
}

// clash reports whether two proposals change one of the files in
// incompatible ways: merged one after the other, the second would
// conflict.
func (s *Service) clash(ctx context.Context, a, b store.Hash, files []string) (bool, error) {
	key := "c" + a.String() + b.String() + strings.Join(files, "\x00")
	if v, ok := s.checks.get(key); ok {
		return v.(bool), nil
	}
	base, err := s.repo.MergeBase(ctx, a, b)
	if err != nil {
		return false, err
	}
	clash := false
	for _, f := range files {
		read := func(c store.Hash) (string, bool, error) {
			if c.IsZero() {
				return "", false, nil
			}
			t, _, ok, err := s.repo.ReadFileAt(ctx, c, f, 64<<20)
			return string(t), ok, err
		}
		bt, _, err := read(base)
		if err != nil {
			return false, err
		}
		at, inA, err := read(a)
		if err != nil {
			return false, err
		}
		btx, inB, err := read(b)
		if err != nil {
			return false, err
		}
		if inA != inB {
			clash = true // one deletes what the other changes
			break
		}
		if _, _, ok := merge.Merge3(bt, at, btx); !ok {
			clash = true
			break
		}
	}
	s.checks.put(key, clash)
	return clash, nil
}

func containsPath(sorted []string, p string) bool {
	i := sort.SearchStrings(sorted, p)
	return i < len(sorted) && sorted[i] == p
}

// memo remembers answers that commit ids fix for good (a merge check of
// two commits, the files between two commits), so a page view that shows
// proposals costs a map lookup. It forgets everything when full: the
// answers are cheap to compute again and the set of open proposals small.
type memo struct {
	mu sync.Mutex
	m  map[string]any
}

const memoEntries = 4096

func (m *memo) get(key string) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	return v, ok
}

func (m *memo) put(key string, v any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= memoEntries {
		m.m = map[string]any{}
	}
	m.m[key] = v
}
