package export

import (
	"context"
	"strings"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Walk limits: the feed shows as many commits as the server's, and the
// walk stops where the server's history does.
const (
	recentLimit = 50
	logBatch    = 256
	maxWalk     = 200000
)

// history is what the export needs from the first-parent line, read in one
// walk rather than once per page.
type history struct {
	last   map[string]*store.Commit // newest commit that changed each page's file
	recent []recentChange
	root   store.Hash // oldest commit reached; the root when rootKnown
}

type recentChange struct {
	*store.Commit
	pages []wikipath.Page // published pages it changed, sorted
	names []string        // what it changed, for the summary: page titles, then files
}

// readHistory walks from head until every published page's last change and
// the recent changes are known; with needRoot it goes on to the root commit,
// whose id names the feed when there is no base URL.
func readHistory(ctx context.Context, repo *store.Repo, dir string, pl *plan, head store.Hash, needRoot bool) (*history, error) {
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	want := map[string]bool{}
	for _, p := range pl.list {
		want[p.File] = true
	}
	h := &history{last: map[string]*store.Commit{}, root: head}
	from := head
	for walked := 0; walked < maxWalk; {
		if len(h.last) == len(want) && len(h.recent) >= recentLimit {
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
			rc := recentChange{Commit: e.Commit}
			var files []string
			for _, fc := range e.Changes {
				rel, ok := strings.CutPrefix(fc.Path, prefix)
				if !ok {
					continue
				}
				if want[rel] && h.last[rel] == nil {
					h.last[rel] = e.Commit
				}
				name, isPage := wikipath.FromFile(rel)
				if !isPage {
					files = append(files, rel)
					continue
				}
				if p, ok := pl.st.Page(name); ok {
					if pl.pages[name] == nil {
						continue // hidden or a draft: not in the feed either
					}
					rc.pages = append(rc.pages, name)
					rc.names = append(rc.names, p.Title)
				} else {
					rc.names = append(rc.names, name.Title())
				}
			}
			if len(rc.names)+len(files) > 0 && len(h.recent) < recentLimit {
				for _, f := range files {
					rc.names = append(rc.names, "file "+f)
				}
				h.recent = append(h.recent, rc)
			}
		}
		last := entries[len(entries)-1]
		h.root = last.Hash
		if len(last.Parents) == 0 {
			return h, nil
		}
		from = last.Parents[0]
	}
	if !needRoot {
		return h, nil
	}
	for walked := 0; walked < maxWalk; walked++ {
		c, err := repo.Commit(ctx, h.root)
		if err != nil {
			return nil, err
		}
		if len(c.Parents) == 0 {
			break
		}
		h.root = c.Parents[0]
	}
	return h, nil
}

// change is a commit as the theme shows it.
func change(c *store.Commit) *theme.Change {
	if c == nil {
		return nil
	}
	ch := &theme.Change{
		Hash:    c.Hash.String(),
		Short:   c.Hash.Short(),
		Author:  c.Author.Name,
		Date:    c.Author.When,
		Summary: c.Subject(),
	}
	if len(c.Parents) > 0 {
		ch.Parent = c.Parents[0].String()
	}
	return ch
}

// lastChange is the newest change of a published page, nil for others.
func (h *history) lastChange(p *site.Page) *store.Commit {
	if p == nil {
		return nil
	}
	return h.last[p.File]
}
