package search

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Doc is one page as the index sees it.
type Doc struct {
	Page     wikipath.Page
	Title    string
	Headings []string
	Text     string // plain text of the body
	Tags     []string
	Lang     string // the page's language tag, "" unknown
}

const (
	// maxIndexText bounds the text indexed from one page; a 4 MiB page of
	// generated data is searchable by its first MiB.
	maxIndexText = 1 << 20
	// maxStoredText bounds the text kept for snippets.
	maxStoredText = 64 << 10
)

// Indexed reports whether the index holds p: listed pages do, templates,
// sidebar and footer do not.
func Indexed(p *site.Page) bool { return !p.Hidden }

// DocOf reads what the index needs of page p of st: its title, plain text,
// tags and language from the read model, its headings from its source.
func DocOf(ctx context.Context, st *site.Site, p *site.Page) (Doc, error) {
	d := Doc{Page: p.Name, Title: p.Title, Lang: st.Lang(p)}
	if p.Summary != nil {
		text, err := st.PageText(ctx, p)
		if err != nil {
			return Doc{}, err
		}
		d.Text = text
		d.Tags = p.FrontMatter().Tags
	}
	src, err := st.Source(ctx, p)
	switch {
	case errors.Is(err, store.ErrTooLarge):
	case err != nil:
		return Doc{}, err
	default:
		d.Headings = headings(src)
	}
	return clean(d), nil
}

// clean makes a doc's text valid UTF-8 and bounded, so snippets are too.
func clean(d Doc) Doc {
	d.Title = strings.ToValidUTF8(d.Title, "\uFFFD")
	d.Text = strings.ToValidUTF8(cut(d.Text, maxIndexText), "\uFFFD")
	d.Lang = strings.ToValidUTF8(d.Lang, "")
	d.Tags = cleanList(d.Tags)
	d.Headings = cleanList(d.Headings)
	return d
}

func cleanList(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD")); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cut shortens s to at most n bytes, at a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// folders lists the folders above page, folded: "A/b/c" gives "a" and "a/b".
func folders(page wikipath.Page) []string {
	var out []string
	s := string(page)
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			out = append(out, foldString(s[:i]))
		}
	}
	return out
}

// cleanFolder is a folder as a filter names it: "/Guides/" is "guides".
func cleanFolder(s string) string { return foldString(strings.Trim(s, "/ ")) }

var (
	atxHeading = regexp.MustCompile(`^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	fence      = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")
	mdLink     = regexp.MustCompile(`\]\([^)]*\)`)
	wikiTarget = regexp.MustCompile(`\[\[[^\]|]*\|`)
)

// headings lists the text of a page's ATX headings ("## Backups"), outside
// front matter and fenced code, with link targets and markup left out. A
// heading's words weigh more than the body's.
func headings(src []byte) []string {
	text := string(src)
	if rest, ok := strings.CutPrefix(text, "---\n"); ok {
		if i := strings.Index(rest, "\n---"); i >= 0 {
			text = rest[i+4:]
		}
	} else if rest, ok := strings.CutPrefix(text, "+++\n"); ok {
		if i := strings.Index(rest, "\n+++"); i >= 0 {
			text = rest[i+4:]
		}
	}
	var out []string
	var inFence string
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		if m := fence.FindStringSubmatch(line); m != nil {
			switch {
			case inFence == "":
				inFence = m[1][:1]
			case strings.HasPrefix(m[1], inFence):
				inFence = ""
			}
			continue
		}
		if inFence != "" {
			continue
		}
		m := atxHeading.FindStringSubmatch(line)
		if m == nil || m[1] == "" {
			continue
		}
		h := wikiTarget.ReplaceAllString(mdLink.ReplaceAllString(m[1], "]"), "")
		out = append(out, h)
		if len(out) >= 200 {
			break
		}
	}
	return out
}
