package export

import (
	"bytes"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/gitwiki/gitwiki/wiki"
)

// The crawl rule, which is what makes an export work at any base path and
// from file://: every URL in every HTML file is relative and names a file of
// the export (after dropping ?query and #fragment; a #fragment into an HTML
// file must name an element id there). Folder URLs ("x/") are refused too,
// because file:// does not turn them into x/index.html.
//
// The one exception is a link a reader follows away from the wiki: an <a>
// with an absolute http(s) URL and rel "nofollow" (external links in page
// content, which the sanitizer marks "nofollow noreferrer", and "Edit on
// the live wiki" with a base URL) or rel "license" (wiki.yaml's licence).
// Nothing the browser loads by itself (src, <link href>, form actions) may
// be absolute.
//
// With a base URL, 404.html is the other exception: static hosts serve it at
// any depth, so its URLs are absolute paths under the base URL's path
// (basePath), checked by checkNotFound.
func crawl(tb testing.TB, files map[string][]byte, basePath string) {
	tb.Helper()
	if basePath != "" {
		checkNotFound(tb, files[notFoundFile], basePath, files)
	}
	ids := map[string]map[string]bool{}
	docs := map[string]*html.Node{}
	var names []string
	for name, b := range files {
		if strings.HasSuffix(name, ".html") && !(basePath != "" && name == notFoundFile) {
			doc, err := html.Parse(bytes.NewReader(b))
			if err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			docs[name] = doc
			ids[name] = collectIDs(doc)
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		tb.Fatal("no HTML files to crawl")
	}
	checked := 0
	for _, name := range names {
		for _, ref := range urlsIn(docs[name]) {
			checked++
			if msg := checkURL(name, ref, files, ids); msg != "" {
				tb.Errorf("%s: <%s %s=%q>: %s", name, ref.tag, ref.attr, ref.url, msg)
			}
		}
	}
	tb.Logf("crawled %d HTML files, %d URLs", len(names), checked)
}

type ref struct {
	tag, attr, url, rel string
}

var refreshURL = regexp.MustCompile(`(?i)^\s*\d+\s*;\s*url=(.*)$`)

func urlsIn(doc *html.Node) []ref {
	var out []ref
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			var rel, equiv, content string
			for _, a := range n.Attr {
				switch a.Key {
				case "rel":
					rel = a.Val
				case "http-equiv":
					equiv = a.Val
				case "content":
					content = a.Val
				}
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "href", "src", "action", "poster", "data", "formaction", "cite", "background":
					out = append(out, ref{n.Data, a.Key, a.Val, rel})
				case "srcset":
					for _, c := range strings.Split(a.Val, ",") {
						if f := strings.Fields(c); len(f) > 0 {
							out = append(out, ref{n.Data, a.Key, f[0], rel})
						}
					}
				}
			}
			if strings.EqualFold(equiv, "refresh") {
				if m := refreshURL.FindStringSubmatch(content); m != nil {
					out = append(out, ref{"meta", "content", m[1], ""})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func collectIDs(doc *html.Node) map[string]bool {
	ids := map[string]bool{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "id" || (n.Data == "a" && a.Key == "name") {
					ids[a.Val] = true
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return ids
}

// checkURL returns what is wrong with one URL of file from, or "".
func checkURL(from string, r ref, files map[string][]byte, ids map[string]map[string]bool) string {
	u := r.url
	if u == "" {
		return "empty URL"
	}
	if strings.HasPrefix(u, "#") {
		if frag, _ := url.PathUnescape(u[1:]); frag != "" && frag != "content" && !ids[from][frag] {
			return "no element with that id"
		}
		return ""
	}
	if strings.HasPrefix(u, "//") || hasScheme(u) {
		p, err := url.Parse(u)
		rels := strings.Fields(r.rel)
		external := err == nil && (p.Scheme == "http" || p.Scheme == "https") && r.tag == "a" && r.attr == "href" &&
			(contains(rels, "nofollow") || contains(rels, "license"))
		if external || (r.tag == "a" && strings.HasPrefix(u, "mailto:")) {
			return ""
		}
		return "absolute URL"
	}
	if strings.HasPrefix(u, "/") {
		return "root-relative URL: breaks under a sub-path and from file://"
	}
	rawPath, frag, _ := strings.Cut(u, "#")
	rawPath, _, _ = strings.Cut(rawPath, "?")
	p, err := url.PathUnescape(rawPath)
	if err != nil {
		return "bad escape: " + err.Error()
	}
	if strings.HasSuffix(p, "/") || p == "." || p == ".." {
		return "folder URL: file:// shows a listing, not index.html"
	}
	target := path.Join(path.Dir(from), p)
	if target == ".." || strings.HasPrefix(target, "../") {
		return "leads out of the export"
	}
	if _, ok := files[target]; !ok {
		return "no such file " + target
	}
	if frag != "" && strings.HasSuffix(target, ".html") {
		if f, _ := url.PathUnescape(frag); !ids[target][f] {
			return "no element with id " + f + " in " + target
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCrawlTxtar(t *testing.T) {
	for _, w := range loadTxtar(t) {
		t.Run(w.name, func(t *testing.T) {
			out, _ := buildTxtar(t, w)
			_, basePath, err := parseBaseURL(w.opts["base-url"])
			if err != nil {
				t.Fatal(err)
			}
			crawl(t, readTree(t, out), basePath)
		})
	}
}

// starterRepo is the content `gitwiki init` starts a wiki with.
func starterRepo(tb testing.TB) fs.FS {
	tb.Helper()
	sub, err := fs.Sub(wiki.FS, "content")
	if err != nil {
		tb.Fatal(err)
	}
	return sub
}

func TestCrawlStarter(t *testing.T) {
	for _, base := range []string{"", "https://wiki.example.org/handbook/"} {
		t.Run("base="+base, func(t *testing.T) {
			r := MustRepo(t, starterRepo(t))
			out, rep := MustBuild(t, MustLoader(t, r, ""), Options{BaseURL: base})
			if len(rep.Broken)+len(rep.Failed) > 0 {
				t.Errorf("starter wiki: broken %v, failed %v", rep.Broken, rep.Failed)
			}
			_, basePath, _ := parseBaseURL(base)
			crawl(t, readTree(t, out), basePath)
		})
	}
}

// checkNotFound checks that every URL of a 404.html made with a base URL is
// an absolute path under base that names a file of the export.
func checkNotFound(tb testing.TB, b []byte, base string, files map[string][]byte) {
	tb.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range urlsIn(doc) {
		if strings.HasPrefix(r.url, "#") || (r.tag == "a" && (strings.Contains(r.rel, "nofollow") || r.rel == "license")) {
			continue
		}
		p, ok := strings.CutPrefix(r.url, base)
		if !ok {
			tb.Errorf("404.html: %s=%q is not under %s", r.attr, r.url, base)
			continue
		}
		p, _, _ = strings.Cut(p, "#")
		p, _ = url.PathUnescape(p)
		if _, ok := files[p]; !ok {
			tb.Errorf("404.html: %s=%q names no file of the export", r.attr, r.url)
		}
	}
}
