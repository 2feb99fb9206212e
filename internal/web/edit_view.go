package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// templateText starts a new page from a template in _templates/.
func templateText(r *http.Request, st *site.Site, tmpl string) (text, name string) {
	if tmpl == "" {
		return "", ""
	}
	n, err := wikipath.Parse(tmpl)
	if err != nil || !strings.HasPrefix(string(n), site.TemplatesDir+"/") {
		return "", ""
	}
	p, ok := st.Page(n)
	if !ok {
		return "", ""
	}
	b, err := st.Source(r.Context(), p)
	if err != nil {
		return "", ""
	}
	return string(b), string(n)
}

// editView fills what every editor shows.
func (s *Server) editView(r *http.Request, st *site.Site, name wikipath.Page) *theme.EditView {
	b := s.baseT(r, st, name, "title.edit", "Title", name.Title())
	if p, ok := st.Page(name); ok {
		b.Title = b.I18n.T("title.edit", "Title", p.Title)
	} else if name == "" {
		b.Title = b.I18n.T("title.new")
	}
	v := &theme.EditView{
		Base:       b,
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
	v.Translating = editTranslation(r, st, name)
	if name != "" {
		// The proposal being revised is not news to the one revising it.
		revising, _ := strconv.Atoi(r.FormValue("proposal"))
		for _, p := range s.openProposals(r, s.model(st), b.I18n, name) {
			if p.ID != revising {
				v.Proposals = append(v.Proposals, p)
			}
		}
	}
	return v
}
