package theme

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// sectionEdits puts a small "Edit" link after each section heading of a
// page body, leading to the editor of that section alone, when links offer
// one (a reader who may edit, on the live wiki). The rendered page, which
// is cached and shared, stays without them. Each link is named "Edit
// section …" for assistive technology, and sits in a wrapper with its
// heading so styles can place it on the heading's line.
func sectionEdits(l *i18n.Lang, body template.HTML, doc *render.Document, links Links, p wikipath.Page) template.HTML {
	if doc == nil || len(doc.Sections) == 0 || links.EditSection(p, 1) == "" {
		return body
	}
	h := string(body)
	var b strings.Builder
	at := 0
	for _, sec := range doc.Sections {
		level := strconv.Itoa(sec.Level)
		open := "<h" + level + ` id="` + template.HTMLEscapeString(sec.ID) + `"`
		i := strings.Index(h[at:], open)
		if sec.ID == "" || i < 0 {
			continue // the title, which the theme shows above the body
		}
		i += at
		j := strings.Index(h[i:], "</h"+level+">")
		if j < 0 {
			continue
		}
		j += i + len("</h"+level+">")
		b.WriteString(h[at:i])
		b.WriteString(`<div class="section-head">`)
		b.WriteString(h[i:j])
		b.WriteString(`<a class="section-edit" href="` + template.HTMLEscapeString(links.EditSection(p, sec.Index)) +
			`" rel="nofollow" aria-label="` + template.HTMLEscapeString(l.T("page.edit_section", "Section", sec.Text)) + `">` +
			template.HTMLEscapeString(l.T("page.edit_section_short")) + `</a></div>`)
		at = j
	}
	b.WriteString(h[at:])
	return template.HTML(b.String())
}
