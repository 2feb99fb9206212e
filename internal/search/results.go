package search

import (
	"context"
	"fmt"
	"html/template"
	"runtime"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Results are one page of hits.
type Results struct {
	Query   Parsed // as understood: the web can show the filters it applied
	Total   int    // pages matching, on every result page
	Page    int    // 1-based
	PerPage int
	Hits    []Hit
	// Indexed is the commit the results describe; CatchingUp says main has
	// moved on and the index is being brought up to date.
	Indexed    store.Hash
	CatchingUp bool
}

// Pages is the number of result pages.
func (r *Results) Pages() int {
	if r.PerPage == 0 {
		return 0
	}
	return (r.Total + r.PerPage - 1) / r.PerPage
}

// Hit is one matching page.
type Hit struct {
	Page   wikipath.Page
	Title  string
	Lang   string  // the page's language tag, "" unknown
	Crumbs []Crumb // the folders above the page, from the top
	// Snippet is escaped text around the best match, matched words in
	// <mark>: the only markup it can hold.
	Snippet template.HTML
	Score   float64
}

// Crumb is a folder above a hit: its page, when it has one, and its title.
type Crumb struct {
	Page  wikipath.Page
	Title string
}

// Search runs q. An empty query gives empty results; a query that cannot be
// searched returns a *QueryError (wrapping ErrBadQuery); before the first
// build, ErrNotReady.
func (ix *Index) Search(ctx context.Context, q Query) (*Results, error) {
	p, err := ix.Parse(q.Text)
	if err != nil {
		return nil, err
	}
	for kind, values := range map[string][]string{"in": q.Folders, "tag": q.Tags, "lang": q.Langs} {
		for _, v := range values {
			if v = strings.TrimSpace(cleanText(v)); v != "" {
				p.Filters = append(p.Filters, Filter{Kind: kind, Value: v})
			}
		}
	}
	if len(p.Filters) > maxFilters {
		return nil, &QueryError{Code: "too-many-words", Reason: fmt.Sprintf("it has more than %d filters", maxFilters), key: "too_many_filters", n: maxFilters}
	}
	page, per := max(q.Page, 1), q.PerPage
	if per <= 0 {
		per = DefaultPerPage
	}
	per = min(per, MaxPerPage)
	res := &Results{Query: p, Page: page, PerPage: per}
	if p.Empty() {
		return res, nil
	}
	if (page-1)*per > maxOffset {
		return nil, &QueryError{Code: "too-deep", Reason: fmt.Sprintf("results past the first %d are not shown", maxOffset), key: "too_deep", n: maxOffset}
	}
	st := ix.State()
	if !st.Ready {
		return nil, ErrNotReady
	}
	res.Indexed, res.CatchingUp = st.Indexed, st.CatchingUp
	err = ix.reader(func(b bleve.Index) error {
		return ix.run(ctx, b, p, res)
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

func (ix *Index) run(ctx context.Context, b bleve.Index, p Parsed, res *Results) error {
	adv, err := b.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	pl := ix.plan(ctx, r, p, *ix.present.Load())
	r.Close()

	req := bleve.NewSearchRequestOptions(pl.q, res.PerPage, (res.Page-1)*res.PerPage, false)
	req.Fields = []string{storedTitle, storedText, storedLang}
	// Pages of equal score come in the index's own order: sorting them by
	// title would read a sort key for every match, a quarter of the time of
	// a query matching most pages.
	if pl.byTitle {
		req.SortBy([]string{fieldSort})
	}
	sr, err := b.SearchInContext(ctx, req)
	if err != nil {
		return err
	}
	res.Total = int(sr.Total)
	st := ix.site.Load()
	res.Hits = make([]Hit, len(sr.Hits))
	texts := make([]string, len(sr.Hits))
	for i, h := range sr.Hits {
		name := wikipath.Page(strings.TrimPrefix(h.ID, idPrefix))
		title, _ := h.Fields[storedTitle].(string)
		texts[i], _ = h.Fields[storedText].(string)
		lang, _ := h.Fields[storedLang].(string)
		res.Hits[i] = Hit{Page: name, Title: title, Lang: lang, Crumbs: crumbs(st, name), Score: h.Score}
	}
	// Snippets analyse text: a third of a query's time, spread on the cores.
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(res.Hits)) {
		wg.Go(func() {
			for i := range next {
				fam := familyOf(res.Hits[i].Lang)
				if m := pl.marks[fam]; m != nil {
					res.Hits[i].Snippet = safeSnippet(func() template.HTML { return ix.snippet(texts[i], fam, m, pl.clauses) })
				}
			}
		})
	}
	for i := range res.Hits {
		next <- i
	}
	close(next)
	wg.Wait()
	return nil
}

// safeSnippet makes a snippet, or none if making it panics: a hit without
// a snippet is better than no answer.
func safeSnippet(fn func() template.HTML) (h template.HTML) {
	defer func() {
		if recover() != nil {
			h = ""
		}
	}()
	return fn()
}

// crumbs are the folders above name, from st when the index has synced
// with one, else from the names.
func crumbs(st *site.Site, name wikipath.Page) []Crumb {
	var out []Crumb
	if st != nil {
		for _, n := range st.Breadcrumbs(name) {
			if n.Name != wikipath.Root {
				out = append(out, Crumb{Page: n.Name, Title: n.Title})
			}
		}
		return out
	}
	segs := name.Segments()
	for i := 1; i < len(segs); i++ {
		d := wikipath.Page(strings.Join(segs[:i], "/"))
		out = append(out, Crumb{Page: d, Title: d.Title()})
	}
	return out
}
