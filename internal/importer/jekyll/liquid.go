package jekyll

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// liquid renders the Liquid a page holds where it is simple and leaves
// nothing of the rest: {{ site.baseurl }} and other site and page values
// with the usual URL filters, {% link %} and {% post_url %}, {% raw %},
// {% comment %}, {% highlight %}, and includes whose output is plain HTML
// (or an image, from their parameters). Conditionals keep their first
// branch; loops, captures and unknown tags are dropped. What was not
// rendered is reported and noted on the page (see unsupported).
type liquid struct {
	r     *run
	d     *doc
	vars  map[string]string // include.* while rendering an include
	depth int
	lost  map[string]bool // tags and variables not rendered
}

func (r *run) renderLiquid(d *doc, src string) (string, []string) {
	l := &liquid{r: r, d: d, lost: map[string]bool{}}
	out := l.render(src)
	var lost []string
	for k := range l.lost {
		lost = append(lost, k)
	}
	sort.Strings(lost)
	return out, lost
}

// token is one {{ output }} or {% tag %} and the text before it.
type token struct {
	text       string
	tag, inner string // tag is "{{" or "{%"; inner is trimmed, without "-" markers
	found      bool
}

func nextToken(s string) (tok token, rest string) {
	i := strings.Index(s, "{")
	for i >= 0 && i+1 < len(s) && s[i+1] != '{' && s[i+1] != '%' {
		j := strings.Index(s[i+1:], "{")
		if j < 0 {
			i = -1
			break
		}
		i += 1 + j
	}
	if i < 0 || i+1 >= len(s) {
		return token{text: s}, ""
	}
	open := s[i : i+2]
	closer := "}}"
	if open == "{%" {
		closer = "%}"
	}
	j := strings.Index(s[i+2:], closer)
	if j < 0 {
		return token{text: s}, ""
	}
	inner := strings.TrimSpace(strings.Trim(strings.TrimSpace(s[i+2:i+2+j]), "-"))
	return token{text: s[:i], tag: open, inner: inner, found: true}, s[i+2+j+2:]
}

func (l *liquid) render(src string) string {
	var b strings.Builder
	rest := src
	for rest != "" {
		tok, after := nextToken(rest)
		b.WriteString(tok.text)
		if !tok.found {
			break
		}
		rest = after
		if tok.tag == "{{" {
			b.WriteString(l.output(tok.inner))
			continue
		}
		name, args, _ := strings.Cut(tok.inner, " ")
		args = strings.TrimSpace(args)
		switch name {
		case "raw":
			body, after, _ := cutBlock(rest, "raw")
			b.WriteString(body)
			rest = after
		case "comment":
			_, rest, _ = cutBlock(rest, "comment")
		case "highlight":
			body, after, _ := cutBlock(rest, "highlight")
			lang, _, _ := strings.Cut(args, " ")
			b.WriteString("\n```" + lang + "\n" + strings.Trim(body, "\n") + "\n```\n")
			rest = after
		case "link", "post_url":
			b.WriteString(l.link(name, args))
		case "include", "include_relative":
			b.WriteString(l.include(name, args))
		case "if", "unless":
			body, after, _ := cutBlock(rest, name)
			b.WriteString(l.render(firstBranch(body)))
			rest = after
			l.lost[name+" (its first branch was kept)"] = true
		case "for", "capture", "case", "tablerow":
			_, rest, _ = cutBlock(rest, name)
			l.lost[name] = true
		default:
			l.lost[name] = true
		}
	}
	return b.String()
}

// cutBlock splits off the body of a block tag up to its matching end tag,
// counting nested blocks of the same name.
func cutBlock(s, name string) (body, rest string, ok bool) {
	depth := 1
	pos := 0
	for {
		tok, after := nextToken(s[pos:])
		if !tok.found {
			return s, "", false
		}
		tagStart := pos + len(tok.text)
		pos = len(s) - len(after)
		if tok.tag != "{%" {
			continue
		}
		n, _, _ := strings.Cut(tok.inner, " ")
		switch {
		case n == name && name != "raw" && name != "comment":
			depth++
		case n == "end"+name:
			depth--
			if depth == 0 {
				return s[:tagStart], s[pos:], true
			}
		}
	}
}

// firstBranch is the body of an if up to its first else or elsif.
func firstBranch(body string) string {
	pos, depth := 0, 0
	for {
		tok, after := nextToken(body[pos:])
		if !tok.found {
			return body
		}
		start := pos + len(tok.text)
		pos = len(body) - len(after)
		if tok.tag != "{%" {
			continue
		}
		n, _, _ := strings.Cut(tok.inner, " ")
		switch n {
		case "if", "unless", "case", "for":
			depth++
		case "endif", "endunless", "endcase", "endfor":
			depth--
		case "else", "elsif":
			if depth == 0 {
				return body[:start]
			}
		}
	}
}

// output renders {{ expr | filter: arg ... }}.
func (l *liquid) output(inner string) string {
	parts := splitPipes(inner)
	v, ok := l.value(parts[0])
	if !ok {
		l.lost["the variable "+strings.TrimSpace(parts[0])] = true
		return ""
	}
	for _, f := range parts[1:] {
		name, arg, _ := strings.Cut(strings.TrimSpace(f), ":")
		a, _ := l.value(strings.TrimSpace(arg))
		switch strings.TrimSpace(name) {
		case "relative_url":
			v = l.d.site.cfg.BaseURL + ensureSlash(v)
		case "absolute_url":
			v = l.d.site.cfg.URL + l.d.site.cfg.BaseURL + ensureSlash(v)
		case "prepend":
			v = a + v
		case "append":
			v += a
		case "default":
			if v == "" {
				v = a
			}
		case "strip":
			v = strings.TrimSpace(v)
		case "downcase":
			v = strings.ToLower(v)
		case "upcase":
			v = strings.ToUpper(v)
		case "slugify":
			v = slugify(v)
		case "escape", "xml_escape", "markdownify", "smartify", "uri_escape":
		default:
			l.lost["the filter "+strings.TrimSpace(name)] = true
		}
	}
	return v
}

func ensureSlash(v string) string {
	if v == "" || strings.HasPrefix(v, "/") {
		return v
	}
	return "/" + v
}

// splitPipes splits an expression at the pipes outside quotes.
func splitPipes(s string) []string {
	var out []string
	var quote rune
	start := 0
	for i, c := range s {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '|':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// value reads a literal or one of the variables the importer knows.
func (l *liquid) value(e string) (string, bool) {
	e = strings.TrimSpace(e)
	if len(e) >= 2 && (e[0] == '"' || e[0] == '\'') && e[len(e)-1] == e[0] {
		return e[1 : len(e)-1], true
	}
	cfg := l.d.site.cfg
	switch e {
	case "site.baseurl", "site.base_url":
		return cfg.BaseURL, true
	case "site.url":
		return cfg.URL, true
	case "site.title":
		return cfg.Title, true
	case "site.description":
		return strings.TrimSpace(cfg.Description), true
	case "site.lang":
		return l.d.site.lang, true
	case "page.title":
		return l.d.title, true
	case "page.url":
		return l.d.url, true
	case "page.description":
		return l.d.str("description"), true
	case "page.lang":
		return l.d.site.lang, true
	}
	if k, ok := strings.CutPrefix(e, "include."); ok && l.vars != nil {
		v, ok := l.vars[k]
		return v, ok
	}
	if k, ok := strings.CutPrefix(e, "page."); ok {
		if v := l.d.get(k); v != nil {
			if s, isStr := v.(string); isStr {
				return s, true
			}
			return fmt.Sprint(v), true
		}
	}
	return "", false
}

// link renders {% link path %} and {% post_url name %} to the URL of the
// page named, which the link rewriting then points at the imported page.
func (l *liquid) link(tag, args string) string {
	arg := strings.Trim(strings.TrimSpace(args), `"'`)
	if v, ok := l.value(args); ok && strings.Contains(args, ".") && !strings.ContainsAny(args, `"'`) {
		arg = v
	}
	s := l.d.site
	for _, d := range s.docs {
		rel := strings.TrimPrefix(strings.TrimPrefix(d.src, s.dir), "/")
		stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
		if tag == "link" && rel == strings.TrimPrefix(arg, "/") || tag == "post_url" && d.coll == "posts" && stem == path.Base(arg) {
			return s.cfg.BaseURL + d.url
		}
	}
	l.lost[tag+" "+arg+" (no such page)"] = true
	return "#"
}
