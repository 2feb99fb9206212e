package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gitwiki/gitwiki/internal/merge"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// diffContext is how many unchanged lines are shown around each change.
const diffContext = 3

// pageDiff compares a page at two revisions: ?to= (default: the head) and
// ?from= (default: the page's previous change before to).
func (s *Server) pageDiff(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name, err := wikipath.Parse(mux.Vars(r)["page"])
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	head, err := s.loader.Head(ctx)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	q := r.URL.Query()
	to := head.Commit
	if v := q.Get("to"); v != "" {
		if to, err = s.repo.Resolve(ctx, v); err != nil {
			s.serveError(w, r, err)
			return
		}
	}
	toFile, toText, err := s.pageTextAt(r, to, name)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	var from store.Hash
	if v := q.Get("from"); v != "" {
		if from, err = s.repo.Resolve(ctx, v); err != nil {
			s.serveError(w, r, err)
			return
		}
	} else if toFile != "" {
		hist, err := s.repo.FileHistory(ctx, to, s.loader.RepoPath(toFile), 2)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		if len(hist) == 2 {
			from = hist[1].Hash
		}
	}
	if toFile == "" && from.IsZero() {
		s.serveError(w, r, errNotFound("There is no page called “"+string(name)+"” at this revision, so there is nothing to compare."))
		return
	}
	fromText := ""
	if !from.IsZero() {
		if _, fromText, err = s.pageTextAt(r, from, name); err != nil {
			s.serveError(w, r, err)
			return
		}
	}
	if notModified(w, r, s.etag(r, "diff", head.Commit.String(), string(name), from.String(), to.String(), q.Get("view"))) {
		return
	}
	title := name.Title()
	if p, ok := head.Page(name); ok {
		title = p.Title
	}
	v := &theme.DiffView{
		Base:    s.base(r, head, "Changes to "+title, name),
		Page:    name,
		Unified: q.Get("view") == "unified",
		Same:    fromText == toText,
	}
	v.NoIndex = true
	for _, c := range []struct {
		h   store.Hash
		dst *theme.Change
	}{{from, &v.From}, {to, &v.To}} {
		if c.h.IsZero() {
			continue
		}
		commit, err := s.repo.Commit(ctx, c.h)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		*c.dst = *change(commit)
	}
	for _, row := range merge.SideBySide(fromText, toText, diffContext) {
		v.Rows = append(v.Rows, theme.DiffRow{
			Kind:      row.Kind.String(),
			LeftNum:   row.LeftNum,
			RightNum:  row.RightNum,
			Left:      spansHTML(row.Left, "del"),
			Right:     spansHTML(row.Right, "ins"),
			SkipCount: row.Skip,
		})
	}
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "diff", v)
}

// pageTextAt reads a page's source at a commit; a page absent there reads
// as empty, so creations and deletions diff against nothing.
func (s *Server) pageTextAt(r *http.Request, commit store.Hash, name wikipath.Page) (file, text string, err error) {
	tree, err := s.repo.Tree(r.Context(), commit)
	if err != nil {
		return "", "", err
	}
	for _, f := range name.Files() {
		if e, ok := tree.Lookup(s.loader.RepoPath(f)); ok {
			b, err := s.repo.ReadBlob(r.Context(), e.Blob, site.MaxPageBytes)
			return f, string(b), err
		}
	}
	return "", "", nil
}

// spansHTML escapes a line, wrapping changed words in tag.
func spansHTML(spans []merge.Span, tag string) template.HTML {
	var b strings.Builder
	for _, sp := range spans {
		if sp.Changed {
			b.WriteString("<" + tag + ">")
		}
		template.HTMLEscape(&b, []byte(sp.Text))
		if sp.Changed {
			b.WriteString("</" + tag + ">")
		}
	}
	return template.HTML(b.String())
}
