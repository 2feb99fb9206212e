package web

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

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
