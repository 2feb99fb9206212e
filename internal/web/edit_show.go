package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// editShow serves the editor for a page that exists or not. With
// ?proposal=N&token=T it loads the proposal's version for revising.
func (s *Server) editShow(w http.ResponseWriter, r *http.Request) error {
	name, err := page(r)
	if err != nil {
		return err
	}
	return s.showEditor(w, r, name, false)
}

// newShow serves the editor for a page whose name is still to be chosen.
func (s *Server) newShow(w http.ResponseWriter, r *http.Request) error {
	return s.showEditor(w, r, "", true)
}

func (s *Server) showEditor(w http.ResponseWriter, r *http.Request, name wikipath.Page, askPath bool) error {
	ctx := r.Context()
	st, err := s.pages.Editable(ctx)
	if err != nil {
		return err
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
			return err
		}
		token := q.Get("token")
		if !prop.CheckToken(token) && !s.isMaintainer(r) {
			return review.ErrBadToken
		}
		if src, err = s.loader.At(ctx, prop.HeadHash()); err != nil {
			return err
		}
		v.Proposal, v.Token = id, token
	}
	v.BaseRev = src.Commit.String()
	if p, ok := src.Page(name); ok && !askPath {
		b, err := src.Source(ctx, p)
		if err != nil {
			return err
		}
		v.Content, v.PageTitle, v.New = string(b), p.Title, false
	} else {
		v.New = true
		v.PageTitle = name.Title()
		if name == wikipath.Root || askPath {
			v.PageTitle = ""
		}
		v.Content, v.Template = templateText(r, st, q.Get("template"))
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "edit", v)
	return nil
}

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
	return v
}

// editTranslation is what the editor says about a translation: for one
// that exists, the source revision it could be marked up to date with; for
// a new one (the form carries translate_from), which page it translates.
func editTranslation(r *http.Request, st *site.Site, name wikipath.Page) *theme.EditTranslation {
	if p, ok := st.Page(name); ok {
		state, err := st.TranslationStatus(r.Context(), p)
		if err != nil || state.Self == nil {
			return nil
		}
		t := state.Self
		return &theme.EditTranslation{
			Source: theme.PageRef{Title: state.Source.Title, Page: state.Source.Name}, SourceLang: state.SourceLang, Lang: t.Lang,
			Rev: t.To.String(), Following: t.From.String(), Outdated: t.Status == site.Outdated,
			CaughtUp: r.Method == http.MethodPost && r.PostFormValue("translation_of") == t.To.String(),
		}
	}
	from, err := wikipath.Parse(r.PostFormValue("translate_from"))
	if err != nil || r.Method != http.MethodPost {
		return nil
	}
	src, ok := st.Page(from)
	if !ok {
		return nil
	}
	lang, _ := site.NormalizeLang(r.PostFormValue("translate_lang"))
	return &theme.EditTranslation{Source: theme.PageRef{Title: src.Title, Page: src.Name}, SourceLang: st.Lang(src), Lang: lang, New: true}
}
