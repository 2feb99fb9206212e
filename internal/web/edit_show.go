package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// editShow serves the editor for a page that exists or not. With
// ?proposal=N&token=T it loads the proposal's version for revising.
func (s *Server) editShow(w http.ResponseWriter, r *http.Request) {
	name, err := wikipath.Parse(mux.Vars(r)["page"])
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.showEditor(w, r, name, false)
}

// newShow serves the editor for a page whose name is still to be chosen.
func (s *Server) newShow(w http.ResponseWriter, r *http.Request) {
	s.showEditor(w, r, "", true)
}

func (s *Server) showEditor(w http.ResponseWriter, r *http.Request, name wikipath.Page, askPath bool) {
	ctx := r.Context()
	st, err := s.editableHead(ctx)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	q := r.URL.Query()
	v := s.editView(r, st, name)
	v.AskPath = askPath
	if askPath {
		v.Path = q.Get("path")
	}
	src := st
	if id, err := strconv.Atoi(q.Get("proposal")); err == nil && id > 0 {
		prop, err := s.review.Get(ctx, id)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		token := q.Get("token")
		if !prop.CheckToken(token) && !s.isMaintainer(r) {
			s.serveError(w, r, errForbidden("This link does not allow revising proposal "+strconv.Itoa(id)+". Use the private link you were given when you proposed it."))
			return
		}
		if src, err = s.loader.At(ctx, prop.HeadHash()); err != nil {
			s.serveError(w, r, err)
			return
		}
		v.Proposal, v.Token = id, token
	}
	v.BaseRev = src.Commit.String()
	if p, ok := src.Page(name); ok && !askPath {
		b, err := src.Source(ctx, p)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		v.Content, v.PageTitle, v.New = string(b), p.Title, false
	} else {
		v.New = true
		v.PageTitle = name.Title()
		if name == wikipath.Root || askPath {
			v.PageTitle = ""
		}
		v.Content = s.templateText(r, st, q.Get("template"), v)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "edit", v)
}

// templateText starts a new page from a template in _templates/.
func (s *Server) templateText(r *http.Request, st *site.Site, tmpl string, v *theme.EditView) string {
	if tmpl == "" {
		return ""
	}
	name, err := wikipath.Parse(tmpl)
	if err != nil || !strings.HasPrefix(string(name), site.TemplatesDir+"/") {
		return ""
	}
	p, ok := st.Page(name)
	if !ok {
		return ""
	}
	b, err := st.Source(r.Context(), p)
	if err != nil {
		return ""
	}
	v.Template = string(name)
	return string(b)
}

// editView fills what every editor shows.
func (s *Server) editView(r *http.Request, st *site.Site, name wikipath.Page) *theme.EditView {
	title := "Edit " + name.Title()
	if name == "" {
		title = "New page"
	}
	v := &theme.EditView{
		Base:       s.base(r, st, title, name),
		Page:       name,
		Policy:     st.Settings.EditPolicy,
		Maintainer: s.isMaintainer(r),
		Honeypot:   honeypotField,
		MaxUpload:  pages.MaxAttachment,
		Accept:     pages.AcceptedTypes,
	}
	v.NoIndex = true
	for _, p := range st.Pages() {
		if strings.HasPrefix(string(p.Name), site.TemplatesDir+"/") {
			v.Templates = append(v.Templates, theme.PageRef{Title: p.Title, Page: p.Name})
		}
	}
	return v
}
