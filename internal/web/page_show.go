package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// pageShow serves GET /{page}: a page, an attachment, a folder listing, a
// redirect from an old name, or a helpful 404.
func (s *Server) pageShow(w http.ResponseWriter, r *http.Request) {
	raw := mux.Vars(r)["page"]
	clean, err := wikipath.CleanFile(raw)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	st, rev, err := s.siteAt(r)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	if strings.HasSuffix(clean, ".md") {
		if name, ok := wikipath.FromFile(clean); ok && st.Exists(name) {
			s.redirect(w, r, name.URL())
			return
		}
	}
	if e, ok := st.File(clean); ok && !strings.HasSuffix(clean, ".md") {
		s.attachment(w, r, clean, e.Blob)
		return
	}
	name := wikipath.Page(clean)
	p, ok := st.Page(name)
	if !ok {
		if target, ok := st.Alias(name); ok {
			s.redirect(w, r, target.URL())
			return
		}
		if st.IsFolder(name) {
			s.folderShow(w, r, st, name, rev)
			return
		}
		s.pageMissing(w, r, st, name)
		return
	}
	saved := r.URL.Query().Get("saved") == "1"
	// The head is part of it too: a past revision's notice depends on it.
	head, _ := s.repo.Head(r.Context())
	if notModified(w, r, s.etag(r, "page", st.Commit.String(), head.String(), clean, rev, strconv.FormatBool(saved))) {
		return
	}
	doc, err := st.Render(r.Context(), p, contentURLs, urlsKey)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	last, err := s.loader.LastChange(r.Context(), st.Commit, p.File)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	v := &theme.PageView{
		Base:        s.base(r, st, doc.Title, name),
		Page:        name,
		Doc:         doc,
		TOC:         theme.NestTOC(doc.TOC),
		Breadcrumbs: crumbs(st, name),
		LastChange:  change(last),
		Rev:         rev,
		Backlinks:   pageRefs(st.Backlinks(name)),
		Children:    pageRefs(st.Children(name)),
	}
	if name == wikipath.Root {
		v.Title = st.Settings.Title
		v.Breadcrumbs = nil
	}
	for _, t := range st.Translations(p) {
		v.Translations = append(v.Translations, theme.Translation{Lang: st.Lang(t), Page: t.Name})
	}
	v.NoIndex = rev != "" || doc.FrontMatter.Draft || saved
	if saved {
		v.Notice = "Your change was published."
	}
	if rev != "" {
		// ?rev= can name any commit, an unreviewed proposal's included: say
		// so, or a link to one would pass for the wiki's own page.
		if in, err := s.repo.IsAncestor(r.Context(), st.Commit, head); err == nil && !in {
			v.Notice = "This version is not part of the published wiki: it may be an unreviewed proposal. Read the published page to see what the wiki says."
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	if fm := doc.FrontMatter; fm.Lang != "" {
		w.Header().Set("Content-Language", fm.Lang)
	}
	s.render(w, r, http.StatusOK, "page", v)
}

// folderShow lists a folder that has pages but no page of its own.
func (s *Server) folderShow(w http.ResponseWriter, r *http.Request, st *site.Site, name wikipath.Page, rev string) {
	title := name.Title()
	v := &theme.PageView{
		Base:        s.base(r, st, title, name),
		Page:        name,
		Doc:         &render.Document{Summary: render.Summary{Title: title}},
		Breadcrumbs: crumbs(st, name),
		Rev:         rev,
		Children:    pageRefs(st.Children(name)),
	}
	s.render(w, r, http.StatusOK, "page", v)
}

// pageMissing answers 404 with near matches and a way to create the page.
func (s *Server) pageMissing(w http.ResponseWriter, r *http.Request, st *site.Site, name wikipath.Page) {
	v := &theme.ErrorView{
		Status:      http.StatusNotFound,
		Heading:     "This page does not exist yet",
		Message:     "There is no page called “" + string(name) + "” in this wiki.",
		Suggestions: pageRefs(st.Near(name, 5)),
		Create:      name,
		CanCreate:   st.Settings.EditPolicy != site.PolicyClosed && name != wikipath.Root,
	}
	v.Base = s.base(r, st, v.Heading, "")
	v.NoIndex = true
	s.render(w, r, http.StatusNotFound, "error", v)
}

func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to string) {
	if q := r.URL.RawQuery; q != "" {
		to += "?" + q
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
}

func crumbs(st *site.Site, name wikipath.Page) []theme.PageRef {
	if name == wikipath.Root {
		return nil
	}
	var out []theme.PageRef
	for _, n := range st.Breadcrumbs(name) {
		t := n.Title
		if n.Name == wikipath.Root {
			t = "Home"
		}
		out = append(out, theme.PageRef{Title: t, Page: n.Name})
	}
	return out
}
