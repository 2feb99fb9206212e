package present

import (
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// PageTranslation adds to a page's view how it stands against its source:
// the outdated banner of a translation whose source changed since the
// revision it follows, and the languages it has no translation into yet.
func (m *Model) PageTranslation(o Output, v *theme.PageView, st *site.TranslationState) {
	if st == nil || st.Source == nil {
		return
	}
	if t := st.Self; t != nil {
		v.Translation = &theme.TranslationState{
			Source:     m.ref(st.Source),
			SourceLang: st.SourceLang,
			Outdated:   t.Status == site.Outdated,
			Commits:    t.Commits, Added: t.Added, Deleted: t.Deleted,
			Problem: t.Problem,
		}
		if t.Status == site.Outdated && !t.From.IsZero() && m.published(st.Source) {
			v.Translation.DiffURL = o.Links.Diff(st.Source.Name, t.From.String(), t.To.String())
		}
	}
	if !m.published(st.Source) {
		return
	}
	for _, t := range st.Translations {
		if t.Status == site.Missing {
			v.Untranslated = append(v.Untranslated, t.Lang)
		}
	}
}

// ref is a page as a link.
func (m *Model) ref(p *site.Page) theme.PageRef { return theme.PageRef{Title: p.Title, Page: p.Name} }

// Translations is the report of every language's translations: up to date,
// outdated (with what the source changed since) and missing, and the
// problems found with lang and translationOf. Only published pages are
// listed, so the export's report links nowhere it does not write.
func (m *Model) Translations(o Output, r *site.TranslationReport) *theme.TranslationsView {
	v := &theme.TranslationsView{Base: m.BaseT(o, "", "title.translations"), SourceLang: r.SourceLang}
	for _, lr := range r.Languages {
		lt := theme.LanguageTranslations{Lang: lr.Language.Code}
		lt.UpToDate = m.rows(o, lr.UpToDate)
		lt.Outdated = m.rows(o, lr.Outdated)
		lt.Missing = m.rows(o, lr.Missing)
		if len(lt.UpToDate)+len(lt.Outdated)+len(lt.Missing) > 0 {
			v.Languages = append(v.Languages, lt)
		}
	}
	v.Findings = m.Check(o, r.Findings).Warnings
	return v
}

func (m *Model) rows(o Output, ts []site.Translation) []theme.TranslationRow {
	var out []theme.TranslationRow
	for _, t := range ts {
		if !m.published(t.Source) || t.Page != nil && !m.published(t.Page) {
			continue
		}
		row := theme.TranslationRow{Source: m.ref(t.Source), Commits: t.Commits, Added: t.Added, Deleted: t.Deleted}
		if t.Page != nil {
			row.Translation = m.ref(t.Page)
		}
		if t.Status == site.Outdated && !t.From.IsZero() {
			row.DiffURL = o.Links.Diff(t.Source.Name, t.From.String(), t.To.String())
		}
		out = append(out, row)
	}
	return out
}
