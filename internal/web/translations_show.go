package web

import (
	"errors"
	"net/http"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// translationsShow serves /-/translations: per language, the translations
// that are up to date, behind their source (with what changed since) and
// missing, from the history git already has.
func (s *Server) translationsShow(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	if notModified(w, r, s.etag(r, "translations", st.Commit.String())) {
		return nil
	}
	rep, err := st.TranslationReport(r.Context())
	if err != nil {
		return err
	}
	v := s.model(st).Translations(s.output(r, st), rep)
	s.withReader(r, &v.Base)
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "translations", v)
	return nil
}

// translateShow serves /-/translate/{page}?lang=es: the editor of a new
// translation, at the page the wiki's layout gives it (es/<same path>, or
// page.es), starting from the source's text with lang, translationKey and
// translationOf in its front matter.
func (s *Server) translateShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name, err := page(r)
	if err != nil {
		return err
	}
	st, err := s.pages.Editable(ctx)
	if err != nil {
		return err
	}
	p, ok := st.Page(name)
	if !ok {
		return errNotFound("no_page_named", "Name", string(name))
	}
	lang := r.URL.Query().Get("lang")
	nt, err := st.NewTranslation(ctx, p, lang)
	switch {
	case errors.Is(err, site.ErrBadLanguage):
		return pages.Refusal("lang", pages.Invalid, "bad_lang", "Lang", lang)
	case errors.Is(err, site.ErrTranslationExists), errors.Is(err, site.ErrSameLanguage):
		if g := translationIn(st, p, lang); g != nil {
			s.seeOther(w, r, s.urlFor("edit", "page", string(g.Name)))
			return nil
		}
		return errNotFound("no_translation", "Name", p.Title)
	case err != nil && !errors.Is(err, site.ErrNotTranslatable) && !errors.Is(err, site.ErrTranslationPathTaken) && !errors.As(err, new(*wikipath.Error)):
		return err
	case err != nil:
		return errNotFound("no_translation", "Name", p.Title)
	}
	text, err := st.Source(ctx, nt.Source)
	if err != nil {
		return err
	}
	if text, err = pages.SetFrontMatter(text, nt.Translation.Set); err != nil {
		return errNotFound("no_translation", "Name", p.Title)
	}
	v := s.editView(r, st, nt.Translation.Page)
	v.New, v.BaseRev = true, st.Commit.String()
	editSource(v, text, nt.Source.Title, false)
	v.Translating = &theme.EditTranslation{Source: theme.PageRef{Title: nt.Source.Title, Page: nt.Source.Name}, SourceLang: st.Lang(nt.Source), Lang: nt.Lang, New: true}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "edit", v)
	return nil
}

// translationIn is p's translation into lang (p itself when it is in lang).
func translationIn(st *site.Site, p *site.Page, lang string) *site.Page {
	tag, ok := site.NormalizeLang(lang)
	if !ok {
		return nil
	}
	if st.Lang(p) == tag {
		return p
	}
	for _, t := range st.Translations(p) {
		if st.Lang(t) == tag {
			return t
		}
	}
	return nil
}
