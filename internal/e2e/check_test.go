package e2e

import (
	"bytes"
	"compress/gzip"
	"html"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// baseCSP is the Content-Security-Policy of DESIGN.md ("Security model").
// Every response must carry these directives, each with these sources or
// stricter ones; other directives may be added only if they allow no more
// than 'self' (and data: for images, which the design allows).
var baseCSP = map[string][]string{
	"default-src":     {"'self'"},
	"script-src":      {"'self'"},
	"object-src":      {"'none'"},
	"base-uri":        {"'none'"},
	"frame-ancestors": {"'none'"},
}

// parseCSP splits a policy into directive → source list.
func parseCSP(policy string) map[string][]string {
	m := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		name := strings.ToLower(f[0])
		if _, dup := m[name]; dup {
			continue // the browser ignores repeated directives
		}
		m[name] = f[1:]
	}
	return m
}

// checkSecurityHeaders checks the headers DESIGN.md requires of every answer.
func checkSecurityHeaders(tb testing.TB, what string, r *response) {
	tb.Helper()
	csps := r.Header.Values("Content-Security-Policy")
	if len(csps) != 1 {
		tb.Errorf("%s: %d Content-Security-Policy headers, want 1: %q", what, len(csps), csps)
	} else {
		for _, problem := range cspProblems(csps[0]) {
			tb.Errorf("%s: Content-Security-Policy %q: %s", what, csps[0], problem)
		}
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		tb.Errorf("%s: X-Content-Type-Options = %q, want nosniff", what, got)
	}
	if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
		tb.Errorf("%s: Referrer-Policy = %q, want no-referrer", what, got)
	}
}

func cspProblems(policy string) []string {
	var problems []string
	csp := parseCSP(policy)
	for name, want := range baseCSP {
		got, ok := csp[name]
		switch {
		case !ok:
			problems = append(problems, "missing "+name+" "+strings.Join(want, " "))
		case len(got) == 0:
			problems = append(problems, name+" has no sources")
		case slices.Equal(got, []string{"'none'"}):
			// nothing allowed: as strict as it gets
		default:
			for _, src := range got {
				if !slices.Contains(want, src) {
					problems = append(problems, name+" allows "+src+", more than "+strings.Join(want, " "))
				}
			}
		}
	}
	for name, srcs := range csp {
		if _, ok := baseCSP[name]; ok {
			continue
		}
		for _, src := range srcs {
			if src == "'self'" || src == "'none'" || (name == "img-src" && src == "data:") {
				continue
			}
			problems = append(problems, name+" allows "+src+", which the base policy does not")
		}
	}
	slices.Sort(problems)
	return problems
}

// gunzip decodes a gzip body, failing the test on a bad stream.
func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("gzip body: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("gzip body: %v", err)
	}
	return out
}

var (
	h1Re   = regexp.MustCompile(`(?is)<h1\b[^>]*>(.*?)</h1>`)
	tagRe  = regexp.MustCompile(`(?s)<[^>]*>`)
	hrefRe = regexp.MustCompile(`(?i)<a\b[^>]*?\shref="([^"]*)"`)
	idRe   = regexp.MustCompile(`(?i)\sid="([^"]*)"`)
)

// h1s returns the text of every <h1> of a page.
func h1s(body string) []string {
	var out []string
	for _, m := range h1Re.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(m[1], ""))))
	}
	return out
}

// checkH1 fails unless the page has exactly one <h1>, with the given text.
func checkH1(tb testing.TB, what, body, want string) {
	tb.Helper()
	got := h1s(body)
	if len(got) != 1 || got[0] != want {
		tb.Errorf("%s: <h1> elements %q, want exactly one %q", what, got, want)
	}
}

// hrefs returns the href of every link, HTML-unescaped but still URL-escaped.
func hrefs(body string) []string {
	var out []string
	for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// hasLink reports whether the page links to path (given unescaped, as in the
// repository), and fails the test if such a link is not properly URL-escaped.
func hasLink(tb testing.TB, what, body, path string) bool {
	tb.Helper()
	found := false
	for _, h := range hrefs(body) {
		p, _, _ := strings.Cut(h, "#")
		p, _, _ = strings.Cut(p, "?")
		un, err := url.PathUnescape(p)
		if err != nil || un != path {
			continue
		}
		found = true
		for _, r := range h {
			if r <= ' ' || r >= 0x7f {
				tb.Errorf("%s: link %q to %q is not URL-escaped", what, h, path)
				break
			}
		}
	}
	return found
}

func ids(body string) map[string]bool {
	m := map[string]bool{}
	for _, x := range idRe.FindAllStringSubmatch(body, -1) {
		m[html.UnescapeString(x[1])] = true
	}
	return m
}

// escapePath escapes a repository path for a URL, segment by segment.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

func TestCSPProblems(t *testing.T) {
	for policy, wantOK := range map[string]bool{
		"default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'":                                                             true,
		"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'": true,
		"default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'":                                             false,
		"default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'":                                                                                false,
		"default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; font-src https://fonts.example":                             false,
		"default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; style-src 'self' 'unsafe-inline'":                           false,
	} {
		if got := cspProblems(policy); (len(got) == 0) != wantOK {
			t.Errorf("cspProblems(%q) = %q, want ok=%v", policy, got, wantOK)
		}
	}
}

// regexpFind returns the first submatch of pattern in s, or "".
func regexpFind(pattern, s string) string {
	if m := regexp.MustCompile(pattern).FindStringSubmatch(s); len(m) > 1 {
		return html.UnescapeString(m[1])
	}
	return ""
}
