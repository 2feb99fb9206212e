package render

import (
	"net/url"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// cleanForm returns what the sanitizer (newPolicy) writes for s, and true,
// when s keeps to a narrow grammar on which that result is known without
// running it; otherwise false, and the caller runs the sanitizer.
//
// The grammar is the HTML this renderer writes for markdown: text, and
// start and end tags of the elements in cleanElems, each attribute quoted
// with " and written once, its value passing the very test the policy
// applies to it. Raw HTML beyond that, a comment, a doctype, an unquoted or
// unknown attribute, a NUL or a carriage return makes it decline. What it
// writes is what bluemonday writes: text and values unescaped and escaped
// again as golang.org/x/net/html does, a URL in its url.URL.String form,
// and rel="nofollow noreferrer" after the attributes of a link to another
// host.
//
// Why: on a static build the sanitizer read every page, tokenizing it and
// building every tag again, and took an eighth of the CPU time; nearly
// every page was in this form already. Each rule is as strict as the
// policy's or stricter, never looser. TestCleanForm, TestCleanFormRandom,
// FuzzCleanForm and the corpus tests compare the two on every input the
// fast path takes.
func cleanForm(s string) (string, bool) {
	if strings.ContainsAny(s, "\x00\r") {
		// The tokenizer rewrites both, in text and in attribute values.
		return "", false
	}
	var b []byte // nil while the output is s itself
	done := 0    // s[:done] is in b
	replace := func(from, to int, with string) {
		if b == nil {
			b = make([]byte, 0, len(s)+len(s)/16)
		}
		b = append(b, s[done:from]...)
		b = append(b, with...)
		done = to
	}
	for i := 0; i < len(s); {
		end := len(s)
		if j := strings.IndexByte(s[i:], '<'); j >= 0 {
			end = i + j
		}
		if t := s[i:end]; strings.ContainsAny(t, "&'\">") {
			if c := html.EscapeString(html.UnescapeString(t)); c != t {
				replace(i, end, c)
			}
		}
		if end == len(s) {
			break
		}
		n, out, ok := cleanTag(s[end:])
		if !ok {
			return "", false
		}
		if out != "" {
			replace(end, end+n, out)
		}
		i = end + n
	}
	if b == nil {
		return s, true
	}
	return string(append(b, s[done:]...)), true
}

// cleanElem is what cleanForm accepts on one element: attributes with the
// test of each value (the policy's own regular expressions where it has
// them), the attribute that holds a URL, checked as the policy checks URLs,
// and the attributes without which the element is not taken.
type cleanElem struct {
	attrs map[string]func(string) bool
	url   string
	need  []string
}

// cleanElems lists the elements goldmark and this package's extensions
// write, with the tests newPolicy applies to their attributes. The policy
// keeps each of them with no attributes, but <a> and <img>, which need
// their URL, and <input>, which needs its type; an <input> must be a
// disabled checkbox too, as dropCruft, which runs first, leaves it.
var cleanElems = func() map[string]cleanElem {
	title := bluemonday.Paragraph.MatchString // UGCPolicy's, on every element
	m := map[string]cleanElem{
		"a": {url: "href", need: []string{"href"}, attrs: map[string]func(string) bool{
			"class":       linkClass.MatchString,
			"aria-hidden": ariaHidden.MatchString,
			"tabindex":    anchorTabindex.MatchString,
			"role":        footnoteRole.MatchString,
			"title":       title,
		}},
		"img":   {url: "src", need: []string{"src"}, attrs: map[string]func(string) bool{"alt": altText.MatchString, "title": title}},
		"code":  {attrs: map[string]func(string) bool{"class": chromaClass.MatchString}},
		"span":  {attrs: map[string]func(string) bool{"class": chromaClass.MatchString}},
		"pre":   {attrs: map[string]func(string) bool{"class": chromaClass.MatchString, "tabindex": preTabindex.MatchString}},
		"sup":   {attrs: map[string]func(string) bool{"id": footnoteID.MatchString}},
		"li":    {attrs: map[string]func(string) bool{"id": footnoteID.MatchString}},
		"div":   {attrs: map[string]func(string) bool{"class": footnotesClass.MatchString, "role": endnotesRole.MatchString}},
		"ol":    {attrs: map[string]func(string) bool{"start": bluemonday.Integer.MatchString}},
		"input": {need: []string{"type", "disabled"}, attrs: map[string]func(string) bool{"type": checkboxType.MatchString, "checked": checkboxState.MatchString, "disabled": checkboxState.MatchString}},
	}
	for _, h := range []string{"h1", "h2", "h3", "h4", "h5", "h6"} {
		m[h] = cleanElem{attrs: map[string]func(string) bool{"id": headingID.MatchString}}
	}
	for _, c := range []string{"th", "td"} {
		// Table alignment is an attribute (newMarkdown).
		m[c] = cleanElem{attrs: map[string]func(string) bool{"align": bluemonday.CellAlign.MatchString}}
	}
	for _, e := range []string{"p", "em", "strong", "del", "blockquote", "ul", "table", "thead", "tbody", "tr", "hr", "br", "label", "dl", "dt", "dd", "details", "summary"} {
		m[e] = cleanElem{}
	}
	return m
}()

// cleanTag reads the tag that s starts with (s[0] is '<'): how many bytes it
// takes, what the sanitizer writes for it ("" for the tag as it is), and
// false when it is outside cleanForm's grammar.
func cleanTag(s string) (n int, out string, ok bool) {
	closing := len(s) > 1 && s[1] == '/'
	k := 1
	if closing {
		k = 2
	}
	start := k
	for k < len(s) && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= '0' && s[k] <= '9') {
		k++
	}
	el, known := cleanElems[s[start:k]]
	if !known || k == len(s) {
		return 0, "", false
	}
	if closing {
		if s[k] != '>' {
			return 0, "", false
		}
		return k + 1, "", true
	}
	name := s[start:k]
	var t tagAttrs
	if n, ok = t.read(s, k); !ok {
		return 0, "", false
	}
	changed, external := false, false
	for i := range t.attrs[:t.n] {
		a := &t.attrs[i]
		if a.key == el.url {
			u, ext, ok := cleanURL(a.val)
			if !ok {
				return 0, "", false
			}
			a.val, external = u, ext && name == "a"
		} else if test := el.attrs[a.key]; test == nil || !test(a.val) {
			return 0, "", false
		}
		if html.EscapeString(a.val) != a.raw {
			changed = true
		}
	}
	for _, key := range el.need {
		if !t.has(key) {
			return 0, "", false
		}
	}
	if !changed && !external {
		return n, "", true
	}
	var b strings.Builder
	b.WriteString("<" + name)
	for _, a := range t.attrs[:t.n] {
		b.WriteString(" " + a.key + `="` + html.EscapeString(a.val) + `"`)
	}
	if external {
		// The policy asks this of links to other hosts
		// (RequireNoFollowOnFullyQualifiedLinks,
		// RequireNoReferrerOnFullyQualifiedLinks) and adds it last; an
		// element that already has rel is not in the grammar.
		b.WriteString(` rel="nofollow noreferrer"`)
	}
	b.WriteString(">")
	return n, b.String(), true
}

// tagAttrs are the attributes of one start tag: as written (raw) and as the
// tokenizer reads them (val). A tag has few; more than six is not taken.
type tagAttrs struct {
	attrs [6]struct{ key, raw, val string }
	n     int
}

// read reads the attributes from s[k:] to the tag's ">", each written
// ` key="value"` and only once, and returns the length of the whole tag.
func (t *tagAttrs) read(s string, k int) (int, bool) {
	for s[k] != '>' {
		if s[k] != ' ' || t.n == len(t.attrs) {
			return 0, false
		}
		k++
		ks := k
		for k < len(s) && (s[k] >= 'a' && s[k] <= 'z' || s[k] == '-') {
			k++
		}
		key := s[ks:k]
		if key == "" || !strings.HasPrefix(s[k:], `="`) || t.has(key) {
			return 0, false
		}
		k += 2
		e := strings.IndexByte(s[k:], '"')
		if e < 0 {
			return 0, false
		}
		raw := s[k : k+e]
		k += e + 1
		if k == len(s) {
			return 0, false
		}
		val, ok := attrValue(raw)
		if !ok {
			return 0, false
		}
		t.attrs[t.n].key, t.attrs[t.n].raw, t.attrs[t.n].val = key, raw, val
		t.n++
	}
	return k + 1, true
}

func (t *tagAttrs) has(key string) bool {
	for _, a := range t.attrs[:t.n] {
		if a.key == key {
			return true
		}
	}
	return false
}

// attrValue is an attribute value as the tokenizer reads it. Only the
// references every HTML parser reads alike are taken: the tokenizer reads
// others in attribute values by rules of their own (no semicolon, "=" after).
func attrValue(raw string) (string, bool) {
	if strings.IndexByte(raw, '<') >= 0 {
		return "", false
	}
	if strings.IndexByte(raw, '&') < 0 {
		return raw, true
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(raw, '&')
		if i < 0 {
			b.WriteString(raw)
			return b.String(), true
		}
		b.WriteString(raw[:i])
		raw = raw[i:]
		ref := ""
		for _, r := range [...]string{"&amp;", "&lt;", "&gt;", "&quot;", "&#34;", "&#39;"} {
			if strings.HasPrefix(raw, r) {
				ref = r
				break
			}
		}
		if ref == "" {
			return "", false
		}
		b.WriteString(html.UnescapeString(ref))
		raw = raw[len(ref):]
	}
}

// cleanURL is what the policy writes for a URL attribute (bluemonday's
// validURL with RequireParseableURLs, relative URLs and the schemes http,
// https and mailto), and whether it leads to another host. Whitespace and
// every other scheme, data: among them, make it decline.
func cleanURL(v string) (out string, external, ok bool) {
	if v == "" || strings.TrimSpace(v) != v || strings.ContainsAny(v, " \t\n") {
		return "", false, false
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", false, false
	}
	switch u.Scheme {
	case "", "http", "https", "mailto":
	default:
		return "", false, false
	}
	out = u.String()
	if out == "" {
		return "", false, false
	}
	again, err := url.Parse(out) // the policy parses the written URL again for rel
	if err != nil {
		return "", false, false
	}
	return out, again.Host != "", true
}
