package web

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// pageDiff compares a page at two revisions: ?to= (default: the head) and
// ?from= (default: the page's previous change before to).
func (s *Server) pageDiff(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name, err := page(r)
	if err != nil {
		return err
	}
	head, err := s.loader.Head(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	to, err := s.revision(r, "to", head.Commit)
	if err != nil {
		return err
	}
	toFile, toText, err := s.loader.PageText(ctx, to, name)
	if err != nil {
		return err
	}
	from, err := s.revision(r, "from", store.ZeroHash)
	if err == nil && q.Get("from") == "" && toFile != "" {
		from, err = s.loader.PreviousChange(ctx, to, toFile)
	}
	if err != nil {
		return err
	}
	if toFile == "" && from.IsZero() {
		return errNotFound("no_page_to_compare", "Name", string(name))
	}
	fromText := ""
	if !from.IsZero() {
		if _, fromText, err = s.loader.PageText(ctx, from, name); err != nil {
			return err
		}
	}
	if notModified(w, r, s.etag(r, "diff", head.Commit.String(), string(name), from.String(), to.String(), q.Get("view"))) {
		return nil
	}
	title := name.Title()
	if p, ok := head.Page(name); ok {
		title = p.Title
	}
	v := &theme.DiffView{
		Base:    s.baseT(r, head, name, "title.diff", "Title", title),
		Page:    name,
		Unified: q.Get("view") == "unified",
		Same:    fromText == toText,
		Rows:    present.DiffRows(fromText, toText),
	}
	v.NoIndex = true
	for _, c := range []struct {
		h   store.Hash
		dst *theme.Change
	}{{from, &v.From}, {to, &v.To}} {
		if c.h.IsZero() {
			continue
		}
		commit, err := s.loader.Commit(ctx, c.h)
		if err != nil {
			return err
		}
		*c.dst = *present.Change(commit)
	}
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "diff", v)
	return nil
}

// revision reads a revision from query parameter key, def when absent.
func (s *Server) revision(r *http.Request, key string, def store.Hash) (store.Hash, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	return s.loader.Resolve(r.Context(), v)
}
