package web

// An address with no page of its own: a folder's listing, or the 404.

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// folderView lists a folder that has no page of its own, from the view
// cache like a page.
func (s *Server) folderView(w http.ResponseWriter, r *http.Request, st *site.Site, name wikipath.Page, rev string) error {
	build := func(r *http.Request) (string, any, string, error) {
		v := s.model(st).Folder(s.output(r, st), name)
		s.withReader(r, &v.Base)
		v.Rev = rev
		return "page", v, "", nil
	}
	if rev == "" {
		if k, ok := s.viewKey(r, st, kindFolder, name); ok {
			return s.serveView(w, r, k, build)
		}
	}
	if st.Provisional() {
		notFresh(w)
	} else {
		w.Header().Set("Cache-Control", "no-cache")
		if notModified(w, r, s.etag(r, "folder", st.Commit.String(), string(name), rev)) {
			return nil
		}
	}
	view, v, _, _ := build(r)
	s.render(w, r, http.StatusOK, view, v)
	return nil
}

// pageMissing answers 404 with near matches and a way to create the page;
// from a provisional model, the starting page: aliases live in front
// matter it has not read, and the name may well be one.
func (s *Server) pageMissing(w http.ResponseWriter, r *http.Request, st *site.Site, name wikipath.Page) error {
	if st.Provisional() {
		s.startingPage(w, r)
		return nil
	}
	m := s.model(st)
	v := &theme.ErrorView{
		Status:      http.StatusNotFound,
		Suggestions: m.Refs(st.Near(name, 5)),
		Create:      name,
		CanCreate:   st.Settings.EditPolicy != site.PolicyClosed && name != wikipath.Root,
	}
	v.Base = s.baseT(r, st, name, "missing.title")
	v.Heading, v.Message = v.Title, v.I18n.T("missing.text", "Name", string(name))
	v.NoIndex = true
	s.render(w, r, http.StatusNotFound, "error", v)
	return nil
}
