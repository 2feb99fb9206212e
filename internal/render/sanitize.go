package render

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// The additions to UGCPolicy, each limited to the exact values this renderer
// writes.
var (
	// Chroma token classes ("kd", "nf", "line", "cl") and "language-x" on
	// code blocks that have no highlighter.
	chromaClass = regexp.MustCompile(`^(?:chroma|line|lntd|lntable|[a-z][a-z0-9]{0,2}|language-[\w+#.-]{1,40})(?: (?:chroma|line|lntd|lntable|[a-z][a-z0-9]{0,2}))*$`)
	headingID   = regexp.MustCompile(`^[\p{L}\p{M}\p{N}_-]{1,100}$`)
	footnoteID  = regexp.MustCompile(`^fn(?:ref\d*)?:\d+$`)
	linkClass   = regexp.MustCompile(`^(?:wikilink|missing|anchor|footnote-ref|footnote-backref|url)$`)
	rasterData  = regexp.MustCompile(`^image/(?:gif|jpeg|png|webp);base64,`)

	preTabindex    = regexp.MustCompile(`^0$`)
	ariaHidden     = regexp.MustCompile(`^true$`)
	anchorTabindex = regexp.MustCompile(`^-1$`)
	checkboxType   = regexp.MustCompile(`(?i)^checkbox$`)
	checkboxState  = regexp.MustCompile(`^(?:|checked|disabled)$`)
	footnoteRole   = regexp.MustCompile(`^doc-(?:noteref|backlink)$`)
	endnotesRole   = regexp.MustCompile(`^doc-endnotes$`)
	footnotesClass = regexp.MustCompile(`^footnotes$`)

	// An image's alt text: what a screen reader says instead of the
	// image, any text but control characters other than tab and line
	// breaks (the serializer escapes it). UGCPolicy's Paragraph refuses
	// ":", "?", "&", ";" and quotes and drops the whole attribute, so an
	// image described as "Step 1: sign in" had no alt text at all.
	altText = regexp.MustCompile(`^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$`)
)

// newPolicy builds the one sanitizer policy of the project.
//
// data: URLs are allowed for raster images only. SVG is refused even inside
// <img>, where it could not run script, because the same data: URL opened on
// its own would be an SVG document. The scheme check cannot tell href from
// src, so a data:image/png href survives too; browsers refuse to navigate to
// data: URLs and an image is not active content.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	// noreferrer implies noopener, and no link gets target=_blank.
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	p.AllowURLSchemeWithCustomPolicy("data", func(u *url.URL) bool {
		if u.RawQuery != "" || u.Fragment != "" {
			return false
		}
		m := rasterData.FindString(u.Opaque)
		if m == "" {
			return false
		}
		_, err := base64.StdEncoding.DecodeString(u.Opaque[len(m):])
		return err == nil
	})

	p.AllowAttrs("class").Matching(chromaClass).OnElements("span", "pre", "code")
	p.AllowAttrs("tabindex").Matching(preTabindex).OnElements("pre")
	p.AllowAttrs("id").Matching(headingID).OnElements("h1", "h2", "h3", "h4", "h5", "h6")

	p.AllowAttrs("alt").Matching(altText).OnElements("img")

	p.AllowAttrs("class").Matching(linkClass).OnElements("a")
	p.AllowAttrs("aria-hidden").Matching(ariaHidden).OnElements("a")
	p.AllowAttrs("tabindex").Matching(anchorTabindex).OnElements("a")

	// A list that goes on after a paragraph ("3. Then") starts where it
	// left off; UGCPolicy drops start, and the steps were numbered 1 again.
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")

	// Task lists. Other inputs are removed by dropCruft before this policy runs.
	p.AllowAttrs("type").Matching(checkboxType).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(checkboxState).OnElements("input")
	p.AllowNoAttrs().OnElements("label") // package tasklabel: the checkbox's name

	p.AllowAttrs("id").Matching(footnoteID).OnElements("sup", "li")
	p.AllowAttrs("role").Matching(footnoteRole).OnElements("a")
	p.AllowAttrs("role").Matching(endnotesRole).OnElements("div")
	p.AllowAttrs("class").Matching(footnotesClass).OnElements("div")
	return p
}

// verifyCleanForm makes Sanitize run the policy on what cleanForm takes too,
// and panic when the two differ. The package's tests set it, so that every
// page they render compares the two.
var verifyCleanForm bool

// Sanitize is the only place where trusted HTML is made: everything a page
// can put on screen passes through it. HTML in the narrow form of
// cleanForm, highlighted code blocks included, is written as the policy
// would write it without running the policy.
func (r *Renderer) Sanitize(s string) template.HTML {
	s = dropCruft(s)
	if c, ok := cleanForm(s); ok {
		if verifyCleanForm {
			if slow := r.policy.Sanitize(s); slow != c {
				panic(fmt.Sprintf("cleanForm and the sanitizer differ\nin:   %q\nfast: %q\nslow: %q", s, c, slow))
			}
		}
		return template.HTML(focusable(c))
	}
	return template.HTML(focusable(r.policy.Sanitize(s)))
}

// focusable gives every <pre> and <table> tabindex="0": either may scroll
// sideways on a phone, and a region that scrolls must be reachable by
// keyboard to be read (axe-core's scrollable-region-focusable). It runs on
// the sanitizer's output, so it sees only well-formed, lowercased tags,
// with every attribute quoted and no ">" in a value (the serializer
// escapes it), and covers raw HTML and imported pages too. So a scan for
// the two tags does, where tokenizing the page again was a sixth of
// sanitizing it.
func focusable(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		n := 0
		switch {
		case strings.HasPrefix(s[i:], "<pre"):
			n = len("<pre")
		case strings.HasPrefix(s[i:], "<table"):
			n = len("<table")
		}
		if n == 0 || i+n >= len(s) || (s[i+n] != ' ' && s[i+n] != '>') {
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			break
		}
		if !strings.Contains(s[i:i+end], ` tabindex="`) {
			if b.Len() == 0 {
				b.Grow(len(s) + 64)
			}
			b.WriteString(s[done : i+n])
			b.WriteString(` tabindex="0"`)
			done = i + n
		}
		i += end
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// dropCruft removes elements that the policy would keep in a useless or
// misleading form, and must therefore go before it runs:
//   - Confluence macro placeholders (<img class="editor-inline-macro">): the
//     policy strips class, after which they cannot be told from real images
//     and show up as broken ones;
//   - any <input> but a disabled checkbox: the policy cannot require an
//     attribute, and an <input> stripped of its type is a text field.
//
// It uses the tokenizer bluemonday uses, so both see the same tags, and only
// runs when such a tag can be present.
func dropCruft(s string) string {
	if !strings.Contains(s, "editor-inline-macro") && !containsFold(s, "<input") {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.Write(z.Raw())
			continue
		}
		raw := bytes.Clone(z.Raw()) // TagName lowercases the buffer in place
		name, more := z.TagName()
		switch string(name) {
		case "img", "input":
		default:
			b.Write(raw)
			continue
		}
		var macro, checkbox, disabled bool
		for more {
			var k, v []byte
			k, v, more = z.TagAttr()
			switch string(k) {
			case "class":
				macro = macro || bytes.Contains(v, []byte("editor-inline-macro"))
			case "type":
				checkbox = strings.EqualFold(string(v), "checkbox")
			case "disabled":
				disabled = true
			}
		}
		if string(name) == "img" && macro || string(name) == "input" && !(checkbox && disabled) {
			continue
		}
		b.Write(raw)
	}
}

func containsFold(s, sub string) bool {
	for i := strings.IndexByte(s, sub[0]); i >= 0; {
		if len(s)-i >= len(sub) && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
		j := strings.IndexByte(s[i+1:], sub[0])
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}
