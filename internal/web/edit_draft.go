package web

import (
	"context"
	"encoding/base64"
	"html/template"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// editSource puts a whole page source into the editor: the body in the
// text box and the known front matter keys as fields, or, when raw is asked
// for or the front matter cannot be shown as fields, the whole file. title
// is the page's title as the wiki shows it, for the title field when the
// front matter names none (and for the heading).
func editSource(v *theme.EditView, src []byte, title string, raw bool) {
	v.Fields, v.FrontMatter, v.Section, v.SectionTitle = nil, "", 0, ""
	d, ok := pages.SplitDraft(src)
	if raw || !ok {
		v.Raw, v.RawForced, v.Content, v.PageTitle = true, !ok, string(src), title
		return
	}
	v.Raw, v.RawForced = false, false
	f := d.Fields
	v.Fields = &theme.EditFields{Description: f.Description, Tags: f.Tags, Category: f.Category, Lang: f.Lang, Weight: f.Weight}
	v.FrontMatter, v.Content, v.PageTitle = d.FrontMatter, d.Body, f.Title
	if v.PageTitle == "" {
		v.PageTitle = title
	}
}

// editSection puts section n of a page source into the editor.
func (s *Server) editSection(v *theme.EditView, src []byte, title string, n int) error {
	heading, text, ok := s.pages.Section(src, n)
	if !ok {
		return errNotFound("no_section", "N", n)
	}
	v.Section, v.SectionTitle, v.Content, v.PageTitle = n, heading, text, title
	return nil
}

// fillEditMode carries how the text box is used from the form: fields and
// the hidden front matter, one section, or the whole file. A form with
// none of them (a script's) holds the whole file, and its title field, if
// any, sets the title.
func fillEditMode(v *theme.EditView, r *http.Request) {
	v.Section, _ = strconv.Atoi(r.FormValue("section"))
	v.Raw = r.FormValue("raw") != ""
	if v.Section > 0 || r.FormValue("fields") == "" {
		return
	}
	v.Fields = &theme.EditFields{
		Description: r.FormValue("description"), Tags: r.FormValue("tags"), Category: r.FormValue("category"),
		Lang: r.FormValue("lang"), Weight: r.FormValue("weight"),
	}
	v.FrontMatter = r.FormValue("frontmatter")
}

// editSubmission is what the form asks pages.Save to do.
func editSubmission(v *theme.EditView, r *http.Request, name wikipath.Page, uploads []pages.Upload) pages.Submission {
	sub := pages.Submission{
		Page: name, Content: v.Content, Summary: v.Summary, Base: v.BaseRev,
		Name: v.Name, Email: v.Email, Uploads: uploads, Propose: v.Propose,
		Proposal: v.Proposal, Token: v.Token, Cleaned: r.FormValue("cleaned") != "",
		TranslationOf: caughtUp(v), Section: v.Section,
	}
	switch {
	case v.Fields != nil:
		f := v.Fields
		sub.Fields = &pages.Fields{Title: v.PageTitle, Description: f.Description, Tags: f.Tags, Category: f.Category, Lang: f.Lang, Weight: f.Weight}
		sub.FrontMatter = v.FrontMatter
	case v.Section == 0:
		sub.Title = v.PageTitle
	}
	return sub
}

// sectionTitle names the section a posted form edits, for the editor shown
// again: the heading's text at the form's base.
func (s *Server) sectionTitle(ctx context.Context, v *theme.EditView, name wikipath.Page) {
	base, err := store.ParseHash(v.BaseRev)
	if err != nil || v.Section <= 0 {
		return
	}
	st, err := s.loader.At(ctx, base)
	if err != nil {
		return
	}
	if p, ok := st.Page(name); ok {
		if src, err := st.Source(ctx, p); err == nil {
			v.SectionTitle, _, _ = s.pages.Section(src, v.Section)
		}
	}
}

// previewText is the text a preview renders: a section as it is, anything
// else as the page it makes.
func (s *Server) previewText(ctx context.Context, sub pages.Submission) (string, error) {
	if sub.Section > 0 {
		return sub.Content, nil
	}
	return s.pages.Compose(ctx, sub)
}

// fileURL is where file name will be once an edit of page name at st is
// saved: next to the page's file.
func (s *Server) fileURL(st *site.Site, name wikipath.Page, file string) string {
	pf, _ := pages.PageFile(st, name)
	return s.contentURLs.File(path.Join(path.Dir(pf), file))
}

// pendingFileURLs tells the editor where the files it carries will be,
// for the live preview to show them there before they are.
func (s *Server) pendingFileURLs(st *site.Site, name wikipath.Page, v *theme.EditView) {
	for i := range v.Attachments {
		v.Attachments[i].URL = s.fileURL(st, name, v.Attachments[i].Name)
	}
}

// imageTypes are the attachment types shown inline, by extension.
var imageTypes = map[string]string{".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}

// inlinePending shows the images an edit carries in its preview before they
// are stored: each <img> of one becomes a data: URL of its bytes, which were
// checked by content (pages.Attachment) and are a raster image.
func (s *Server) inlinePending(doc template.HTML, st *site.Site, name wikipath.Page, uploads []pages.Upload) template.HTML {
	out := string(doc)
	for _, up := range uploads {
		ct, ok := imageTypes[strings.ToLower(path.Ext(up.Name))]
		if !ok {
			continue
		}
		src := `src="` + template.HTMLEscapeString(s.fileURL(st, name, up.Name)) + `"`
		out = strings.ReplaceAll(out, src, `src="data:`+ct+`;base64,`+base64.StdEncoding.EncodeToString(up.Data)+`"`)
	}
	return template.HTML(out)
}
