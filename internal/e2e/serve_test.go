package e2e

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"
)

// health is the JSON answer of /-/health.
type health struct {
	Status   string `json:"status"`
	Revision string `json:"revision"`
}

func (s *Server) health(tb testing.TB) health {
	tb.Helper()
	r := s.mustGet(tb, "/-/health", http.StatusOK)
	var h health
	if err := json.Unmarshal(r.Body, &h); err != nil {
		tb.Fatalf("/-/health: %v\n%s", err, r.Body)
	}
	if h.Status != "ok" {
		tb.Errorf("/-/health status %q, want ok", h.Status)
	}
	return h
}

// atomFeed is the part of RFC 4287 the test reads.
type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Links   []struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// TestServeStarterWiki runs `gitwiki serve` on an empty data directory, as a
// first-time user does, and checks every read-only view of the starter wiki,
// the security contract of DESIGN.md, HTTP caching and compression, and that
// the repository the server created is one C git fully accepts.
func TestServeStarterWiki(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	repo := s.Repo
	head := git(t, repo, "rev-parse", "main")
	if strings.TrimSpace(git(t, repo, "rev-parse", "--is-bare-repository")) != "true" {
		t.Errorf("%s is not a bare repository", repo)
	}
	if !strings.Contains(s.stdout.String(), "Created ") {
		t.Errorf("serve on a fresh data directory did not say it created the wiki; stdout:\n%s", s.stdout.String())
	}

	t.Run("health", func(t *testing.T) {
		h := s.health(t)
		if h.Revision != head {
			t.Errorf("/-/health revision %q, want git rev-parse main = %q", h.Revision, head)
		}
		r := s.get(t, "/-/health")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("/-/health Content-Type %q, want application/json", ct)
		}
	})

	t.Run("home", func(t *testing.T) {
		r := s.mustGet(t, "/", http.StatusOK)
		body := r.String()
		if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("/ Content-Type %q", ct)
		}
		if n := len(h1s(body)); n != 1 {
			t.Errorf("/ has %d <h1>, want 1", n)
		}
		if !strings.Contains(body, "<main") {
			t.Errorf("/ has no <main> landmark")
		}
		for _, p := range []string{"/Facilitation", "/Glossary", "/-/recent", "/-/pages"} {
			if !hasLink(t, "/", body, p) {
				t.Errorf("/ has no link to %s", p)
			}
		}
		checkSecurityHeaders(t, "/", r)
	})

	t.Run("activity", func(t *testing.T) {
		const p = "/Facilitation/Mapping-information-assets"
		r := s.mustGet(t, p, http.StatusOK)
		body := r.String()
		checkH1(t, p, body, "Mapping information assets")
		// The table of contents links to heading ids that exist on the page.
		idset := ids(body)
		var toc int
		for _, h := range hrefs(body) {
			if strings.HasPrefix(h, "#") && len(h) > 1 {
				toc++
				if !idset[h[1:]] {
					t.Errorf("%s links to %s, but no element has that id", p, h)
				}
			}
		}
		if toc < 3 || !strings.Contains(body, `href="#steps"`) {
			t.Errorf("%s: no table of contents with a link to #steps (%d fragment links)", p, toc)
		}
		for _, link := range []string{"/Glossary", "/Guides/Backups", "/-/history" + p, "/-/raw" + p} {
			if !hasLink(t, p, body, link) {
				t.Errorf("%s has no link to %s", p, link)
			}
		}
		checkSecurityHeaders(t, p, r)

		// ?rev= shows the page at a given commit.
		old := s.mustGet(t, p+"?rev="+head, http.StatusOK)
		checkH1(t, p+"?rev=", old.String(), "Mapping information assets")
	})

	t.Run("folder and glossary", func(t *testing.T) {
		for p, h1 := range map[string]string{"/Glossary": "Glossary", "/Guides/Backups": "Backups"} {
			r := s.mustGet(t, p, http.StatusOK)
			checkH1(t, p, r.String(), h1)
		}
		s.mustGet(t, "/Facilitation", http.StatusOK)
		s.mustGet(t, "/Guides", http.StatusOK)
	})

	t.Run("pages", func(t *testing.T) {
		r := s.mustGet(t, "/-/pages", http.StatusOK)
		for _, p := range []string{"/Glossary", "/Guides/Backups", "/Facilitation/Mapping-information-assets", "/About"} {
			if !hasLink(t, "/-/pages", r.String(), p) {
				t.Errorf("/-/pages does not list %s", p)
			}
		}
		if hasLink(t, "/-/pages", r.String(), "/_templates/Activity") {
			t.Errorf("/-/pages lists _templates/, which DESIGN.md says is not listed")
		}
		checkSecurityHeaders(t, "/-/pages", r)
	})

	t.Run("recent", func(t *testing.T) {
		r := s.mustGet(t, "/-/recent", http.StatusOK)
		subject := git(t, repo, "log", "-1", "--format=%s", "main")
		if !strings.Contains(html.UnescapeString(r.String()), subject) {
			t.Errorf("/-/recent does not show the last commit %q", subject)
		}
	})

	t.Run("history", func(t *testing.T) {
		r := s.mustGet(t, "/-/history/Glossary", http.StatusOK)
		if !strings.Contains(r.String(), head[:7]) {
			t.Errorf("/-/history/Glossary does not mention commit %s", head[:10])
		}
	})

	t.Run("search", func(t *testing.T) {
		r := s.mustGet(t, "/-/search?q=backup", http.StatusOK)
		if !hasLink(t, "/-/search", r.String(), "/Guides/Backups") {
			t.Errorf("/-/search?q=backup does not find /Guides/Backups")
		}
	})

	t.Run("feed", func(t *testing.T) {
		r := s.mustGet(t, "/-/feed.atom", http.StatusOK)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Errorf("/-/feed.atom Content-Type %q, want application/atom+xml", ct)
		}
		var f atomFeed
		if err := xml.Unmarshal(r.Body, &f); err != nil {
			t.Fatalf("/-/feed.atom is not an Atom feed: %v\n%s", err, trim(r.String(), 1000))
		}
		if f.Title == "" || f.ID == "" || len(f.Entries) == 0 {
			t.Fatalf("/-/feed.atom: title %q id %q, %d entries; want all set", f.Title, f.ID, len(f.Entries))
		}
		if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
			t.Errorf("/-/feed.atom updated %q: %v", f.Updated, err)
		}
		for _, e := range f.Entries {
			if e.Title == "" || e.ID == "" || len(e.Links) == 0 {
				t.Errorf("/-/feed.atom entry %+v lacks a title, id or link", e)
			}
			for _, l := range e.Links {
				if !strings.HasPrefix(l.Href, s.URL) {
					t.Errorf("/-/feed.atom entry link %q is not an absolute link to %s", l.Href, s.URL)
				}
			}
		}
	})

	t.Run("raw", func(t *testing.T) {
		r := s.mustGet(t, "/-/raw/Glossary", http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "text/markdown; charset=utf-8" {
			t.Errorf("/-/raw/Glossary Content-Type %q, want text/markdown; charset=utf-8", ct)
		}
		want := git(t, repo, "cat-file", "blob", "main:Glossary.md")
		if strings.TrimSpace(r.String()) != want {
			t.Errorf("/-/raw/Glossary differs from git's main:Glossary.md")
		}
		checkSecurityHeaders(t, "/-/raw/Glossary", r)
		s.mustGet(t, "/-/raw/No-such-page", http.StatusNotFound)
	})

	t.Run("missing page", func(t *testing.T) {
		const p = "/Not-written-yet"
		r := s.get(t, p)
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("GET %s: %d, want 404", p, r.StatusCode)
		}
		if !hasLink(t, p, r.String(), "/-/edit"+p) {
			t.Errorf("404 for %s has no link to create it (/-/edit%s)", p, p)
		}
		checkSecurityHeaders(t, "404 "+p, r)
	})

	t.Run("no escape from the content", func(t *testing.T) {
		// Each must answer 4xx and show nothing of the file system or of
		// the repository's own files (the data dir holds wiki.git/config).
		for _, p := range []string{
			"/../etc/passwd", "/../../../../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd",
			"/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%2f..%2fetc%2fpasswd", "/Facilitation/../../etc/passwd",
			"/-/raw/../../etc/passwd", "/-/raw/%2e%2e/%2e%2e/etc/passwd", "/-/history/../../etc/passwd",
			"/-/static/../../go.mod", "/-/static/..%2f..%2fgo.mod", "/..%5c..%5cetc%5cpasswd",
			"/.git/config", "/.git/HEAD", "/.git", "/%2egit/config", "/-/raw/.git/config",
			"/Facilitation/.git/config", "/-/raw/%2egit/HEAD", "/.git%2fconfig",
			"/config", "/HEAD", "/objects", "/refs/heads/main", "/wiki.git/config", "/../wiki.git/config",
			"/%00", "/Glossary%00.md",
		} {
			r := s.get(t, p)
			body := r.String()
			if r.StatusCode < 400 || r.StatusCode >= 500 {
				t.Errorf("GET %s: status %d, want 4xx", p, r.StatusCode)
			}
			for _, leak := range []string{"root:x:0:0", "repositoryformatversion", "ref: refs/heads", "module github.com"} {
				if strings.Contains(body, leak) {
					t.Errorf("GET %s: body contains %q", p, leak)
				}
			}
		}
	})

	t.Run("gzip", func(t *testing.T) {
		for _, p := range []string{"/", "/Facilitation/Mapping-information-assets", "/-/raw/Glossary", "/-/pages"} {
			plain := s.mustGet(t, p, http.StatusOK)
			zipped := s.mustGet(t, p, http.StatusOK, "Accept-Encoding", "gzip")
			if ce := zipped.Header.Get("Content-Encoding"); ce != "gzip" {
				t.Errorf("%s with Accept-Encoding: gzip: Content-Encoding %q, want gzip", p, ce)
				continue
			}
			if ce := plain.Header.Get("Content-Encoding"); ce != "" {
				t.Errorf("%s without Accept-Encoding: Content-Encoding %q, want none", p, ce)
			}
			if !strings.Contains(zipped.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: gzip answer without Vary: Accept-Encoding", p)
			}
			if got := gunzip(t, zipped.Body); !bytes.Equal(got, plain.Body) {
				t.Errorf("%s: gunzipped body (%d bytes) differs from the plain one (%d bytes)", p, len(got), len(plain.Body))
			}
			if plain.Header.Get("ETag") != "" && plain.Header.Get("ETag") == zipped.Header.Get("ETag") {
				t.Errorf("%s: gzip and plain answers share ETag %s", p, plain.Header.Get("ETag"))
			}
		}
	})

	t.Run("etag", func(t *testing.T) {
		home := s.mustGet(t, "/", http.StatusOK)
		css := ""
		if m := regexpFind(`href="(/-/static/[^"]+\.css)"`, home.String()); m != "" {
			css = m
		} else {
			t.Errorf("/ links no stylesheet under /-/static/")
		}
		paths := []string{"/", "/Glossary", "/-/raw/Glossary"}
		if css != "" {
			paths = append(paths, css)
		}
		for _, p := range paths {
			for _, enc := range []string{"", "gzip"} {
				r := s.mustGet(t, p, http.StatusOK, "Accept-Encoding", enc)
				etag := r.Header.Get("ETag")
				if etag == "" {
					t.Errorf("%s (Accept-Encoding %q): no ETag", p, enc)
					continue
				}
				nm := s.get(t, p, "Accept-Encoding", enc, "If-None-Match", etag)
				if nm.StatusCode != http.StatusNotModified || len(nm.Body) != 0 {
					t.Errorf("%s (Accept-Encoding %q) with If-None-Match %s: %d with %d bytes, want 304 and no body", p, enc, etag, nm.StatusCode, len(nm.Body))
				}
				other := s.get(t, p, "Accept-Encoding", enc, "If-None-Match", `"not-the-etag"`)
				if other.StatusCode != http.StatusOK {
					t.Errorf("%s with a stale If-None-Match: %d, want 200", p, other.StatusCode)
				}
			}
		}
		if css != "" {
			r := s.get(t, css)
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") || strings.Contains(cc, "max-age=0") {
				t.Errorf("%s: Cache-Control %q, want a long max-age for a hashed asset", css, cc)
			}
		}
	})

	// The server only read: C git must find the repository it created sound.
	s.Stop(t)
	gitFsck(t, repo)
	if got := git(t, repo, "rev-parse", "main"); got != head {
		t.Errorf("main moved from %s to %s while only reading", head, got)
	}
}
