package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// previewSource is the page the live preview shows: with the editor's
// fields, the page they make with the body; otherwise (a section, the whole
// file) the text as it is. Fields that do not make a page yet (an order
// that is not a number) leave the body to show alone: saving says why.
func (s *Server) previewSource(r *http.Request, name wikipath.Page, content string) string {
	if r.FormValue("fields") == "" || r.FormValue("section") != "" {
		return content
	}
	sub := pages.Submission{Page: name, Content: content, Base: r.FormValue("base"), FrontMatter: r.FormValue("frontmatter"),
		Fields: &pages.Fields{
			Title: r.FormValue("title"), Description: r.FormValue("description"), Tags: r.FormValue("tags"),
			Category: r.FormValue("category"), Lang: r.FormValue("lang"), Weight: r.FormValue("weight"),
		}}
	text, err := s.pages.Compose(r.Context(), sub)
	if err != nil {
		return content
	}
	return text
}

// preview renders posted content as the page would show it: the editor's
// live preview fetches this fragment.
func (s *Server) preview(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 2*pages.MaxPageBytes)
	if err := parseForm(r); err != nil {
		return err
	}
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	content := r.FormValue("content")
	if len(content) > pages.MaxPageBytes {
		return pages.Refusal("content", pages.TooLarge, "preview_too_large")
	}
	raw := r.FormValue("path")
	if raw == "" {
		raw = r.URL.Query().Get("page")
	}
	name, err := wikipath.Parse(strings.TrimSuffix(raw, ".md"))
	if err != nil {
		name = ""
	}
	if err := s.checkPreview(r); err != nil {
		return err
	}
	doc, _, err := s.pages.Preview(r.Context(), st, name, s.previewSource(r, name, content), s.contentURLs)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	for _, warn := range doc.Warnings {
		w.Write([]byte(`<p class="warning" role="status">`))
		w.Write([]byte(template.HTMLEscapeString(warn)))
		w.Write([]byte("</p>\n"))
	}
	w.Write([]byte(doc.HTML))
	return nil
}
