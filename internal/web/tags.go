package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/gitwiki/gitwiki/internal/theme"
)

// tagsList shows every category and tag with its page count.
func (s *Server) tagsList(w http.ResponseWriter, r *http.Request) {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	v := &theme.TagView{Base: s.base(r, st, "Tags and categories", "")}
	for _, t := range st.AllTags() {
		v.All = append(v.All, theme.TagCount{Kind: t.Kind, Name: t.Name, Count: t.Count})
	}
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "tags", v)
}

// tagShow lists the pages with one tag or category.
func (s *Server) tagShow(w http.ResponseWriter, r *http.Request) {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	vars := mux.Vars(r)
	kind, name := vars["kind"], vars["name"]
	pages := st.Tagged(kind, name)
	if len(pages) == 0 {
		s.serveError(w, r, errNotFound("No page has the "+kind+" “"+name+"”."))
		return
	}
	title := "Tag: " + name
	if kind == "category" {
		title = "Category: " + name
	}
	v := &theme.TagView{Base: s.base(r, st, title, ""), Kind: kind, Tag: name, Pages: pageRefs(pages)}
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "tags", v)
}
