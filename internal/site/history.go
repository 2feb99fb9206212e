package site

import (
	"context"
	"strings"
	"sync"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// lastChanges remembers, per file, the newest commit that changed it as seen
// from some head. When the head moves on, only the new commits are walked.
type lastChanges struct {
	mu sync.Mutex
	m  map[string]lastChange
}

type lastChange struct {
	head   store.Hash
	commit *store.Commit
}

const maxLastChanges = 20000

// LastChange is the newest commit on the first-parent line from `from` that
// changed the content file. Shown on every page, so it is cached.
func (l *Loader) LastChange(ctx context.Context, from store.Hash, file string) (*store.Commit, error) {
	path := l.RepoPath(file)
	l.last.mu.Lock()
	known, ok := l.last.m[path]
	l.last.mu.Unlock()
	stop := store.ZeroHash
	if ok {
		if known.head == from {
			return known.commit, nil
		}
		stop = known.head
	}
	c, reached, err := l.repo.LastChange(ctx, from, path, stop)
	if err != nil {
		return nil, err
	}
	if reached {
		c = known.commit
	}
	l.last.mu.Lock()
	if l.last.m == nil || len(l.last.m) > maxLastChanges {
		l.last.m = map[string]lastChange{}
	}
	// Only move forward: a view of an old revision must not replace the head's answer.
	if _, had := l.last.m[path]; !had || reached {
		l.last.m[path] = lastChange{head: from, commit: c}
	}
	l.last.mu.Unlock()
	return c, nil
}

// ContentFile maps a repository path to its path under the content root;
// ok is false for files outside it.
func (l *Loader) ContentFile(repoPath string) (string, bool) {
	if l.dir == "" {
		return repoPath, true
	}
	rel, ok := strings.CutPrefix(repoPath, l.dir+"/")
	if !ok {
		return "", false
	}
	return rel, true
}

// Change is one commit of the served history as readers see it: the pages
// and other files it touched under the content root.
type Change struct {
	*store.Commit
	Pages []ChangedPage
	Files []string // attachments and other files, content-root relative
}

// ChangedPage is one page a change touched. Page is the page at the site's
// commit, nil when it no longer exists there.
type ChangedPage struct {
	Name wikipath.Page
	Page *Page
}

// Title is the page's title at the site's commit, or its name made readable.
func (c ChangedPage) Title() string {
	if c.Page != nil {
		return c.Page.Title
	}
	return c.Name.Title()
}

// HistoryQuery says what one walk of the first-parent line collects.
type HistoryQuery struct {
	Recent int      // how many changes to the content root to list
	Files  []string // content files whose newest change is wanted
	Root   bool     // walk on to the root commit
}

// History is what a walk found.
type History struct {
	Recent []Change
	Last   map[string]*store.Commit // content file → newest commit that changed it
	Root   store.Hash               // the root commit when asked for, else the oldest reached
}

// Walk limits: a walk reads commits in batches and never past maxHistory.
const (
	logBatch   = 256
	maxHistory = 200000
)

// History walks the first-parent line from the site's commit once, until it
// has q.Recent changes and the newest change of every file in q.Files, so a
// static export reads history once rather than once per page.
func (s *Site) History(ctx context.Context, q HistoryQuery) (*History, error) {
	repo, l := s.loader.repo, s.loader
	want := make(map[string]bool, len(q.Files))
	for _, f := range q.Files {
		want[f] = true
	}
	h := &History{Last: map[string]*store.Commit{}, Root: s.Commit}
	from := s.Commit
	for walked := 0; walked < maxHistory; {
		if len(h.Last) == len(want) && len(h.Recent) >= q.Recent {
			break
		}
		entries, err := repo.Log(ctx, from, logBatch)
		if err != nil {
			return nil, err
		}
		if len(entries) == 0 {
			break
		}
		walked += len(entries)
		for _, e := range entries {
			ch := Change{Commit: e.Commit}
			for _, fc := range e.Changes {
				rel, ok := l.ContentFile(fc.Path)
				if !ok {
					continue
				}
				if want[rel] && h.Last[rel] == nil {
					h.Last[rel] = e.Commit
				}
				name, isPage := wikipath.FromFile(rel)
				switch {
				case !isPage:
					ch.Files = append(ch.Files, rel)
				case hidden(name):
				default:
					p, _ := s.Page(name)
					ch.Pages = append(ch.Pages, ChangedPage{Name: name, Page: p})
				}
			}
			if len(ch.Pages)+len(ch.Files) > 0 && len(h.Recent) < q.Recent {
				h.Recent = append(h.Recent, ch)
			}
		}
		last := entries[len(entries)-1]
		h.Root = last.Hash
		if len(last.Parents) == 0 {
			return h, nil
		}
		from = last.Parents[0]
	}
	if !q.Root {
		return h, nil
	}
	for walked := 0; walked < maxHistory; walked++ {
		c, err := repo.Commit(ctx, h.Root)
		if err != nil {
			return nil, err
		}
		if len(c.Parents) == 0 {
			break
		}
		h.Root = c.Parents[0]
	}
	return h, nil
}

// Resolve names a commit by id or branch name.
func (l *Loader) Resolve(ctx context.Context, rev string) (store.Hash, error) {
	return l.repo.Resolve(ctx, rev)
}

// HeadCommit is the served branch's head commit id.
func (l *Loader) HeadCommit(ctx context.Context) (store.Hash, error) { return l.repo.Head(ctx) }

// Commit reads one commit.
func (l *Loader) Commit(ctx context.Context, h store.Hash) (*store.Commit, error) {
	return l.repo.Commit(ctx, h)
}

// Published reports whether commit is part of the served branch's history,
// as opposed to, say, an unreviewed proposal's.
func (l *Loader) Published(ctx context.Context, commit store.Hash) (bool, error) {
	head, err := l.repo.Head(ctx)
	if err != nil {
		return false, err
	}
	return l.repo.IsAncestor(ctx, commit, head)
}

// PageHistory lists the commits that changed a page's file, newest first,
// at most limit.
//
// It walks the branch's first parents, and opens each merge of a proposal:
// the proposal's own commits that changed the file follow the merge, so a
// contributor's edits stay in the page's history under their name.
func (s *Site) PageHistory(ctx context.Context, p *Page, limit int) ([]*store.Commit, error) {
	repo, file := s.loader.repo, s.loader.RepoPath(p.File)
	main, err := repo.FileHistory(ctx, s.Commit, file, limit)
	if err != nil {
		return nil, err
	}
	out := make([]*store.Commit, 0, len(main))
	for _, c := range main {
		out = append(out, c)
		if len(c.Parents) < 2 || len(out) >= limit {
			continue
		}
		merged, err := s.mergedChanges(ctx, c, file, limit-len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, merged...)
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// maxMergedWalk bounds the commits read on a merged branch.
const maxMergedWalk = 200

// mergedChanges are the commits a merge brought in from its second parent
// that changed file: the merged branch's first parents down to where it
// forked from the first parent, at most limit of them.
func (s *Site) mergedChanges(ctx context.Context, merge *store.Commit, file string, limit int) ([]*store.Commit, error) {
	repo := s.loader.repo
	base, err := repo.MergeBase(ctx, merge.Parents[0], merge.Parents[1])
	if err != nil {
		return nil, err
	}
	var out []*store.Commit
	for h, n := merge.Parents[1], 0; !h.IsZero() && h != base && n < maxMergedWalk && len(out) < limit; n++ {
		c, err := repo.Commit(ctx, h)
		if err != nil {
			return nil, err
		}
		var parent store.Hash
		if len(c.Parents) > 0 {
			parent = c.Parents[0]
		}
		changed, err := s.changedFile(ctx, parent, h, file)
		if err != nil {
			return nil, err
		}
		if changed {
			out = append(out, c)
		}
		h = parent
	}
	return out, nil
}

// changedFile reports whether file differs between two commits (a zero
// from is the empty tree).
func (s *Site) changedFile(ctx context.Context, from, to store.Hash, file string) (bool, error) {
	blob := func(c store.Hash) (store.Hash, error) {
		if c.IsZero() {
			return store.ZeroHash, nil
		}
		t, err := s.loader.repo.Tree(ctx, c)
		if err != nil {
			return store.ZeroHash, err
		}
		e, _ := t.Lookup(file)
		return e.Blob, nil
	}
	a, err := blob(from)
	if err != nil {
		return false, err
	}
	b, err := blob(to)
	return a != b, err
}

// PageText reads a page's source at a commit without loading its read
// model. A page absent there reads as empty, file "", so creations and
// deletions compare against nothing.
func (l *Loader) PageText(ctx context.Context, commit store.Hash, name wikipath.Page) (file, text string, err error) {
	tree, err := l.repo.Tree(ctx, commit)
	if err != nil {
		return "", "", err
	}
	for _, f := range name.Files() {
		if e, ok := tree.Lookup(l.RepoPath(f)); ok {
			b, err := l.repo.ReadBlob(ctx, e.Blob, MaxPageBytes)
			return f, string(b), err
		}
	}
	return "", "", nil
}

// PreviousChange is the commit before `to` that last changed file: the
// other side of "compare with the previous version". ZeroHash when the
// file's first version is at `to`.
func (l *Loader) PreviousChange(ctx context.Context, to store.Hash, file string) (store.Hash, error) {
	hist, err := l.repo.FileHistory(ctx, to, l.RepoPath(file), 2)
	if err != nil || len(hist) < 2 {
		return store.ZeroHash, err
	}
	return hist[1].Hash, nil
}

// ChangesTo lists the newest changes to one page, or to every page and
// file in a folder, at most limit: the history a feed of that page or
// folder follows. A folder's commits are found by comparing its subtree,
// so only the commits that changed it are diffed.
func (s *Site) ChangesTo(ctx context.Context, name wikipath.Page, limit int) ([]Change, error) {
	if name == wikipath.Root {
		h, err := s.History(ctx, HistoryQuery{Recent: limit})
		if err != nil {
			return nil, err
		}
		return h.Recent, nil
	}
	if !s.IsFolder(name) {
		p, ok := s.Page(name)
		if !ok {
			return nil, nil
		}
		commits, err := s.PageHistory(ctx, p, limit)
		if err != nil {
			return nil, err
		}
		out := make([]Change, 0, len(commits))
		for _, c := range commits {
			out = append(out, Change{Commit: c, Pages: []ChangedPage{{Name: name, Page: p}}})
		}
		return out, nil
	}
	repo, l := s.loader.repo, s.loader
	commits, err := repo.FileHistory(ctx, s.Commit, l.RepoPath(string(name)), limit)
	if err != nil {
		return nil, err
	}
	out := make([]Change, 0, len(commits))
	for _, c := range commits {
		var parent store.Hash
		if len(c.Parents) > 0 {
			parent = c.Parents[0]
		}
		files, err := repo.DiffCommits(ctx, parent, c.Hash)
		if err != nil {
			return nil, err
		}
		ch := Change{Commit: c}
		for _, fc := range files {
			rel, ok := l.ContentFile(fc.Path)
			if !ok || !strings.HasPrefix(rel, string(name)+"/") {
				continue
			}
			page, isPage := wikipath.FromFile(rel)
			switch {
			case !isPage:
				ch.Files = append(ch.Files, rel)
			case hidden(page):
			default:
				p, _ := s.Page(page)
				ch.Pages = append(ch.Pages, ChangedPage{Name: page, Page: p})
			}
		}
		if len(ch.Pages)+len(ch.Files) > 0 {
			out = append(out, ch)
		}
	}
	return out, nil
}
