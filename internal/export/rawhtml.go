package export

import (
	"bytes"
	"html/template"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// rawURL spots raw HTML that carries a URL in a page's source. The renderer
// resolves markdown links only; a raw <a href> or <img src> reaches the
// output as written, which the server's absolute URLs tolerate and a static
// copy under a sub-path or on file:// does not.
var rawURL = regexp.MustCompile(`(?i)\b(?:href|src)\s*=`)

// hasRawURL is rawURL.Match, without the regular expression, which
// matching case-insensitively was a twentieth of a build: pages with code
// (a "<" in it) are many.
func hasRawURL(src []byte) bool {
	if bytes.IndexByte(src, '<') < 0 {
		return false
	}
	for i, c := range src {
		var word string
		switch c | 0x20 {
		case 'h':
			word = "href"
		case 's':
			word = "src"
		default:
			continue
		}
		if i > 0 && isWordByte(src[i-1]) || !hasFoldPrefix(src[i:], word) {
			continue
		}
		j := i + len(word)
		for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\f' || src[j] == '\r') {
			j++
		}
		if j < len(src) && src[j] == '=' {
			return true
		}
	}
	return false
}

// isWordByte is \w of regular expressions: an ASCII letter, digit or _.
func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

// hasFoldPrefix reports whether b starts with the lower-case ASCII word,
// in any case.
func hasFoldPrefix(b []byte, word string) bool {
	if len(b) < len(word) {
		return false
	}
	for i := range len(word) {
		if b[i]|0x20 != word[i] {
			return false
		}
	}
	return true
}

// fixRawURLs rewrites the URLs of raw HTML in a rendered page the way the
// renderer resolves markdown links: "/x" from the content root, "x" from the
// page's folder, to the exported page, folder or attachment, else to
// 404.html, noting the miss. URLs the renderer made (kept in made) and
// fragments and absolute URLs are left alone. Only rewritten tags are
// serialized again; everything else is copied byte for byte.
func fixRawURLs(h template.HTML, u *contentURLs, made map[string]bool, dir string) template.HTML {
	var out bytes.Buffer
	out.Grow(len(h) + 64)
	z := html.NewTokenizer(strings.NewReader(string(h)))
	changed := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(z.Raw())
			continue
		}
		raw := append([]byte(nil), z.Raw()...)
		tok := z.Token()
		edit := false
		for i, a := range tok.Attr {
			if a.Namespace != "" || (a.Key != "href" && a.Key != "src") || made[bareURL(a.Val)] {
				continue
			}
			if v, ok := u.rawTarget(a.Val, dir); ok && v != a.Val {
				tok.Attr[i].Val = v
				edit = true
			}
		}
		if edit {
			out.WriteString(tok.String())
			changed = true
		} else {
			out.Write(raw)
		}
	}
	if !changed {
		return h
	}
	return template.HTML(out.String())
}

func bareURL(s string) string {
	s, _, _ = strings.Cut(s, "#")
	s, _, _ = strings.Cut(s, "?")
	return s
}

// rawTarget resolves one raw URL; ok is false for URLs that are not the
// wiki's: fragments, absolute URLs, and paths that leave the wiki.
func (u *contentURLs) rawTarget(raw, dir string) (string, bool) {
	if raw == "" || raw[0] == '#' || strings.HasPrefix(raw, "//") || hasScheme(raw) {
		return "", false
	}
	p, frag, _ := strings.Cut(raw, "#")
	p, query, _ := strings.Cut(p, "?")
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	joined, err := wikipath.Join(dir, p)
	if err != nil {
		return "", false
	}
	if name, isPage := wikipath.FromFile(joined); isPage {
		if u.plan.isPage(name) {
			return u.Page(name, frag), true
		}
		u.missing = append(u.missing, raw)
		return u.root(notFoundFile), true
	}
	s, ok := u.file(joined)
	if !ok {
		u.missing = append(u.missing, raw)
		return s, true
	}
	if query != "" && u.plan.files[joined] {
		s += "?" + query
	}
	if frag != "" {
		s += "#" + frag
	}
	return s, true
}
