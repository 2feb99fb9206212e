package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/themes"
)

var testFiles = map[string]string{
	"wiki.yaml":       "title: Test Wiki\nlicense: CC BY-SA 4.0\nlicense_url: https://creativecommons.org/licenses/by-sa/4.0/\n",
	"index.md":        "# Welcome\n\nSee [[Guides/Backups]] and [[Nowhere]].\n",
	"Guides/index.md": "---\ntitle: Guides\n---\nAll guides.\n",
	"Guides/Backups.md": "---\ntitle: Backups\ntags: [storage, basics]\ncategory: guide\naliases: [Old/Backups]\n---\n" +
		"Intro.\n\n## Why back up\n\nBecause.\n\n## How\n\n### Offsite\n\nText with a [link](Passwords.md).\n",
	"Guides/Passwords.md":    "# Passwords\n\nUse a manager. Back to [[Backups]].\n",
	"Guides/Café notes.md":   "# Café notes\n\nAccents.\n",
	"Guides/img/diagram.png": "\x89PNG\r\n\x1a\n0000",
	"Guides/evil.html":       "<script>alert(1)</script>",
	"Guides/pic.svg":         "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
	"Broken.md":              "---\ntitle: [unclosed\n---\n# Broken\n\nBody survives.\n",
	"Empty/Sub/deep.md":      "# Deep\n",
	".hidden.md":             "secret\n",
	"_templates/Activity.md": "# Template\n",
}

type testWiki struct {
	repo *store.Repo
	srv  *Server
	ts   *httptest.Server
}

// MustServe serves a real repository in a temp dir with the default theme,
// and accounts in a temp data directory; opts adjust the Options.
func MustServe(tb testing.TB, files map[string]string, opts ...func(*Options)) *testWiki {
	tb.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	sig := store.Signature{Name: "Ana", Email: "ana@example.org", When: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	repo, err := store.Init(filepath.Join(tb.TempDir(), "wiki.git"), "main", m, sig, "First version")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { repo.Close() })
	sub, _ := fs.Sub(themes.FS, "default")
	th, err := theme.Load(sub)
	if err != nil {
		tb.Fatal(err)
	}
	loader, err := site.NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		tb.Fatal(err)
	}
	committer := store.Signature{Name: "gitwiki", Email: "gitwiki@invalid"}
	pg := pages.New(loader, committer)
	o := Options{Repo: repo, Loader: loader, Theme: th, Pages: pg, Review: review.New(loader, pg, committer), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		DataDir: filepath.Join(tb.TempDir(), "data")}
	for _, opt := range opts {
		opt(&o)
	}
	srv, err := New(o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	// The rate limits refill with time: on a loaded machine a slow test
	// would get tokens back between requests. Their clocks stand still in
	// tests; a test of refilling moves one on itself.
	frozen := time.Now()
	for _, l := range []*limiter{srv.auth.loginClient, srv.auth.loginPair, srv.auth.loginName, srv.auth.writes, srv.auth.previews} {
		l.now = func() time.Time { return frozen }
	}
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	return &testWiki{repo: repo, srv: srv, ts: ts}
}

func (tw *testWiki) get(tb testing.TB, path string, hdr ...string) (*http.Response, string) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, tw.ts.URL+path, nil)
	// Send the path as written: the client must not clean "..".
	req.URL.Opaque = path
	if i := strings.IndexByte(path, '?'); i >= 0 {
		req.URL.Opaque, req.URL.RawQuery = path[:i], path[i+1:]
	}
	headers := make([]any, len(hdr))
	for i, h := range hdr {
		headers[i] = h
	}
	return tw.do(tb, req, headers...)
}

func TestRoutes(t *testing.T) {
	tw := MustServe(t, testFiles)
	head, _ := tw.repo.Head(context.Background())
	cases := []struct {
		name, path string
		status     int
		contains   []string
		excludes   []string
		ctype      string
	}{
		{"home", "/", 200, []string{"Test Wiki", `href="/Guides/Backups"`, `class="missing"`, `href="/-/edit/Nowhere"`, "CC BY-SA 4.0"}, nil, "text/html; charset=utf-8"},
		{"page", "/Guides/Backups", 200, []string{"<h1", "Backups", `id="why-back-up"`, `href="#why-back-up"`, `href="/Guides/Passwords"`, "Ana", `href="/-/history/Guides/Backups"`, `href="/-/edit/Guides/Backups"`}, nil, ""},
		{"backlinks", "/Guides/Backups", 200, []string{`href="/Guides/Passwords"`}, nil, ""},
		{"escaped name", "/Guides/Caf%C3%A9%20notes", 200, []string{"Café notes"}, nil, ""},
		{"folder page", "/Guides", 200, []string{"All guides", `href="/Guides/Backups"`}, nil, ""},
		{"folder without page", "/Empty", 200, []string{`href="/Empty/Sub"`}, nil, ""},
		{"old revision", "/Guides/Backups?rev=" + head.String()[:10], 200, []string{"Backups"}, nil, ""},
		{"unknown revision", "/Guides/Backups?rev=" + strings.Repeat("0", 40), 404, nil, nil, ""},
		{"bad revision", "/Guides/Backups?rev=HEAD~1", 400, nil, nil, ""},
		{"raw", "/-/raw/Guides/Backups", 200, []string{"## Why back up"}, nil, "text/markdown; charset=utf-8"},
		{"raw missing", "/-/raw/Nope", 404, nil, nil, ""},
		{"history", "/-/history/Guides/Backups", 200, []string{"First version", "Ana"}, nil, ""},
		{"pages", "/-/pages", 200, []string{`href="/Guides/Backups"`, `href="/Guides/Passwords"`}, []string{"_templates"}, ""},
		{"recent", "/-/recent", 200, []string{"First version"}, nil, ""},
		{"feed", "/-/feed.atom", 200, []string{"<feed", "First version", "urn:git:commit:" + head.String()}, nil, "application/atom+xml; charset=utf-8"},
		{"health", "/-/health", 200, []string{`"status":"ok"`, head.String()}, nil, "application/json"},
		{"tags", "/-/tags", 200, []string{"storage", "guide"}, nil, ""},
		{"tag", "/-/tags/tag/storage", 200, []string{`href="/Guides/Backups"`}, nil, ""},
		{"search", "/-/search?q=manager", 200, []string{`href="/Guides/Passwords"`}, nil, ""},
		{"attachment", "/Guides/img/diagram.png", 200, nil, nil, "image/png"},
		{"md redirect", "/Guides/Backups.md", 301, nil, nil, ""},
		{"alias redirect", "/Old/Backups", 301, nil, nil, ""},
		{"missing", "/Guides/Backupz", 404, []string{`href="/-/edit/Guides/Backupz"`, `href="/Guides/Backups"`}, nil, ""},
		{"template not listed but served", "/_templates/Activity", 200, nil, nil, ""},
		{"broken front matter", "/Broken", 200, []string{"Body survives"}, nil, ""},
		{"dotdot", "/Guides/../../etc/passwd", 400, nil, []string{"root:"}, ""},
		{"encoded dotdot", "/%2e%2e/%2e%2e/etc/passwd", 400, nil, nil, ""},
		{"dot git", "/.git/config", 400, nil, nil, ""},
		{"git segment", "/Guides/.git/HEAD", 400, nil, nil, ""},
		{"dotfile", "/.hidden", 400, nil, []string{"secret"}, ""},
		{"nul", "/a%00b", 400, nil, nil, ""},
		{"too long", "/" + strings.Repeat("a", 300), 400, nil, nil, ""},
		{"reserved", "/-/nothing", 404, nil, nil, ""},
		{"static missing", "/-/static/nope.css", 404, nil, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tw.get(t, tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("GET %s: got status %d, want %d\n%.400s", tc.path, resp.StatusCode, tc.status, body)
			}
			for _, s := range tc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s: body lacks %q", tc.path, s)
				}
			}
			for _, s := range tc.excludes {
				if strings.Contains(body, s) {
					t.Errorf("GET %s: body has %q", tc.path, s)
				}
			}
			if tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype {
				t.Errorf("GET %s: Content-Type %q, want %q", tc.path, resp.Header.Get("Content-Type"), tc.ctype)
			}
		})
	}
}

func TestBrokenFrontMatterWarns(t *testing.T) {
	tw := MustServe(t, testFiles)
	_, body := tw.get(t, "/Broken")
	if !strings.Contains(strings.ToLower(body), "front matter") {
		t.Fatal("no visible warning about the front matter")
	}
}

func TestSecurityHeaders(t *testing.T) {
	tw := MustServe(t, testFiles)
	for _, p := range []string{"/", "/nope", "/-/health", "/Guides/img/diagram.png"} {
		resp, _ := tw.get(t, p)
		want := map[string]string{
			"Content-Security-Policy": csp,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
		}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", p, k, got, v)
			}
		}
	}
	for _, must := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, must) {
			t.Errorf("CSP lacks %q", must)
		}
	}
}

func TestActiveAttachmentsAreContained(t *testing.T) {
	tw := MustServe(t, testFiles)
	resp, _ := tw.get(t, "/Guides/evil.html")
	if resp.Header.Get("Content-Type") == "text/html; charset=utf-8" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("HTML attachment served inline: %v", resp.Header)
	}
	resp, _ = tw.get(t, "/Guides/pic.svg")
	if !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("SVG served without a sandbox: %q", resp.Header.Get("Content-Security-Policy"))
	}
}

func TestConditionalAndGzip(t *testing.T) {
	tw := MustServe(t, testFiles)
	resp, body := tw.get(t, "/Guides/Backups", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(body, "Backups") {
		t.Fatalf("not gzipped: %v", resp.Header)
	}
	et := resp.Header.Get("ETag")
	if et == "" {
		t.Fatal("no ETag")
	}
	resp, _ = tw.get(t, "/Guides/Backups", "Accept-Encoding", "gzip", "If-None-Match", et)
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("got %d, want 304", resp.StatusCode)
	}
	resp, _ = tw.get(t, "/Guides/img/diagram.png", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "" {
		t.Fatal("PNG compressed again")
	}
	et = resp.Header.Get("ETag")
	resp, _ = tw.get(t, "/Guides/img/diagram.png", "If-None-Match", et)
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("attachment: got %d, want 304", resp.StatusCode)
	}
}

func TestHeadMovesAndDiff(t *testing.T) {
	tw := MustServe(t, testFiles)
	ctx := context.Background()
	c0, _ := tw.repo.Head(ctx)
	resp, _ := tw.get(t, "/Guides/Passwords")
	et := resp.Header.Get("ETag")
	sig := store.Signature{Name: "Bo", Email: "bo@example.org", When: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}
	c1, err := tw.repo.WriteCommit(ctx, c0, []store.FileWrite{{Path: "Guides/Passwords.md", Content: []byte("# Passwords\n\nUse a good manager. Back to [[Backups]].\n")}},
		store.CommitInfo{Author: sig, Committer: sig, Message: "Say good"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.repo.UpdateRef(ctx, "refs/heads/main", c1, c0); err != nil {
		t.Fatal(err)
	}
	resp, body := tw.get(t, "/Guides/Passwords", "If-None-Match", et)
	if resp.StatusCode != 200 || !strings.Contains(body, "good manager") || !strings.Contains(body, "Bo") {
		t.Fatalf("new head not shown: %d", resp.StatusCode)
	}
	_, body = tw.get(t, "/Guides/Passwords?rev="+c0.String())
	if strings.Contains(body, "good manager") {
		t.Fatal("old revision shows new text")
	}
	_, body = tw.get(t, "/-/history/Guides/Passwords")
	if !strings.Contains(body, "Say good") || !strings.Contains(body, "First version") {
		t.Fatal("history lacks a commit")
	}
	_, body = tw.get(t, "/-/diff/Guides/Passwords")
	if !strings.Contains(body, "<ins>good </ins>") && !strings.Contains(body, "<ins>good</ins>") {
		t.Fatalf("diff does not mark the changed word:\n%s", body)
	}
	resp, _ = tw.get(t, "/-/diff/Guides/Passwords?from="+c0.String()+"&to="+c1.String())
	if resp.StatusCode != 200 {
		t.Fatalf("explicit diff: %d", resp.StatusCode)
	}
	resp, _ = tw.get(t, "/-/diff/Guides/Passwords?from=a..b")
	if resp.StatusCode != 400 {
		t.Fatalf("bad from: %d", resp.StatusCode)
	}
}

func TestNoIPInLogs(t *testing.T) {
	var buf strings.Builder
	tw := MustServe(t, testFiles)
	tw.srv.log = slog.New(slog.NewTextHandler(&buf, nil))
	tw.get(t, "/")
	tw.get(t, "/nope")
	if strings.Contains(buf.String(), "127.0.0.1") {
		t.Fatalf("log has the client address:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "path=/nope") {
		t.Fatalf("request not logged:\n%s", buf.String())
	}
}

func TestPanicIsA500(t *testing.T) {
	tw := MustServe(t, testFiles)
	var buf strings.Builder
	tw.srv.log = slog.New(slog.NewTextHandler(&buf, nil))
	h := tw.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("got %d %q", rec.Code, rec.Body.String())
	}
	if !strings.Contains(buf.String(), "boom") {
		t.Fatal("panic not logged")
	}
}
