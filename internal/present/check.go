package present

import (
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Check is the link and page report.
func (m *Model) Check(o Output, findings []site.Finding) *theme.CheckView {
	v := &theme.CheckView{Base: m.BaseT(o, "", "title.check")}
	v.NoIndex = true
	for _, f := range findings {
		it := theme.CheckItem{File: f.File, Line: f.Line, Message: v.I18n.Say(f)}
		if name, ok := wikipath.FromFile(f.File); ok {
			if p, exists := m.Site.Page(name); exists && p.File == f.File {
				it.Page, it.Linked = name, true
			}
		}
		if f.IsError() {
			v.Errors = append(v.Errors, it)
		} else {
			v.Warnings = append(v.Warnings, it)
		}
	}
	return v
}
