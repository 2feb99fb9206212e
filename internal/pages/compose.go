package pages

import (
	"context"
	"errors"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Compose is the whole page source a submission makes: Content as it is,
// the draft's fields joined to their front matter and the body, or a
// section put back into the page as it was at Base. Save composes first,
// so what it checks, cleans and merges with changes made meanwhile is
// always the whole file; the preview shows the composed page too.
func (s *Service) Compose(ctx context.Context, sub Submission) (string, error) {
	if sub.Fields == nil && sub.Section <= 0 {
		return sub.Content, nil
	}
	if _, err := wikipath.Parse(string(sub.Page)); err != nil {
		return "", problem("path", Invalid, "bad_name", "Reason", err.(*wikipath.Error))
	}
	content, err := cleanText("content", sub.Content, MaxPageBytes)
	if err != nil {
		return "", err
	}
	base, err := parseBase(sub.Base)
	if err != nil {
		return "", err
	}
	st, err := s.loader.At(ctx, base)
	if errors.Is(err, store.ErrNotFound) {
		return "", problem("base", Invalid, "base_missing")
	}
	if err != nil {
		return "", err
	}
	file, _ := PageFile(st, sub.Page)
	if sub.Section > 0 {
		return s.putSection(ctx, st, sub.Page, sub.Section, content)
	}
	fm, err := cleanText("content", sub.FrontMatter, MaxPageBytes)
	if err != nil {
		return "", err
	}
	out, err := s.JoinDraft(Draft{Fields: *sub.Fields, FrontMatter: fm, Body: content}, file)
	return string(out), err
}

// putSection replaces section n of the page at st with text.
func (s *Service) putSection(ctx context.Context, st *site.Site, name wikipath.Page, n int, text string) (string, error) {
	p, ok := st.Page(name)
	if !ok {
		return "", problem("content", Gone, "section_gone", "N", n)
	}
	src, err := st.Source(ctx, p)
	if err != nil {
		return "", err
	}
	out, ok := s.renderer.ReplaceSection(normalizeText(src), n, []byte(text))
	if !ok {
		return "", problem("content", Gone, "section_gone", "N", n)
	}
	return string(out), nil
}

// PageFile is the file that holds page name at st, and whether it exists:
// a new folder page (or the home page) is the folder's index file.
func PageFile(st *site.Site, name wikipath.Page) (file string, exists bool) {
	if old, ok := st.Page(name); ok {
		return old.File, true
	}
	if st.IsFolder(name) || name == wikipath.Root {
		return name.Files()[len(name.Files())-len(wikipath.FolderPageNames)], false
	}
	return string(name) + ".md", false
}

// Section is one section of a page as the editor shows it: its heading's
// text and its source. ok is false when the page has no section n.
func (s *Service) Section(src []byte, n int) (heading, text string, ok bool) {
	secs := s.renderer.Sections(src)
	if n < 1 || n > len(secs) {
		return "", "", false
	}
	return secs[n-1].Text, string(src[secs[n-1].Start:secs[n-1].End]), true
}
