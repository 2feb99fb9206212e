package e2e

import (
	"bytes"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tinyPNG is a valid 4×4 PNG, made here so the test ships no binary file.
func tinyPNG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := range 4 {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// writeFiles writes files (path → content) under dir, creating folders.
func writeFiles(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// commitAll commits the whole working tree with C git and returns the commit.
func commitAll(tb testing.TB, dir, msg string) string {
	tb.Helper()
	git(tb, dir, "add", "-A")
	git(tb, dir, "commit", "-q", "-m", msg)
	return git(tb, dir, "rev-parse", "HEAD")
}

const (
	cafe      = "Café notes" // a page name with a space and a non-ASCII letter
	cafeURL   = "/Caf%C3%A9%20notes"
	reunion   = "Équipe/Réunion du lundi" // and a folder with one
	outsideMk = "OUTSIDE-THE-CONTENT-ROOT"
	dotMk     = "DOTFILE-SECRET"
)

// TestServeExistingRepo serves a subfolder of an ordinary, non-bare
// repository made with C git on a branch that is not main, as someone
// adopting gitwiki for an existing docs/ folder would, and checks URL
// escaping, attachments, the content-root boundary, and that commits, ref
// rewinds and `git gc` made with C git behind the server's back show up
// without a restart.
func TestServeExistingRepo(t *testing.T) {
	t.Parallel()
	requireTool(t, "git")
	dir := filepath.Join(t.TempDir(), "project")
	git(t, filepath.Dir(dir), "init", "-q", "-b", "trunk", dir)
	logo := tinyPNG(t)
	writeFiles(t, dir, map[string]string{
		"README.md":  "# Project\n\n" + outsideMk + "\n",
		"secret.md":  "# Secret\n\n" + outsideMk + "\n",
		"src/app.go": "package app // " + outsideMk + "\n",
		"docs/index.md": "# Docs home\n\nRead the [[" + cafe + "]], the [setup guide](guide/Setup.md) and the [[" + reunion + "]].\n\n" +
			"![Logo](logo.png)\n",
		"docs/" + cafe + ".md":    "---\ntitle: " + cafe + "\ntags: [coffee]\n---\n\nA naïve page, version-one.\n\n## Beans\n\nArabica.\n",
		"docs/guide/Setup.md":     "# Setup\n\nBack to [the notes](../" + strings.ReplaceAll(cafe, " ", "%20") + ".md).\n",
		"docs/" + reunion + ".md": "# Réunion du lundi\n\nOrdre du jour.\n",
		"docs/.secret.md":         "# Hidden\n\n" + dotMk + "\n",
		"docs/.env":               "TOKEN=" + dotMk + "\n",
		"docs/diagram.svg":        `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script><rect width="10" height="10"/></svg>` + "\n",
		"docs/page.html":          "<!doctype html><script>alert(1)</script>\n",
		"docs/notes.txt":          "plain text\n",
	})
	if err := os.WriteFile(filepath.Join(dir, "docs", "logo.png"), logo, 0o644); err != nil {
		t.Fatal(err)
	}
	c1 := commitAll(t, dir, "Add the docs")

	s := StartServer(t, "--repo", dir, "--dir", "docs")
	if h := s.health(t); h.Revision != c1 {
		t.Fatalf("/-/health revision %s, want trunk %s", h.Revision, c1)
	}
	if !strings.Contains(s.stdout.String(), "trunk") {
		t.Errorf("serve did not pick the repository's HEAD branch trunk; stdout:\n%s", s.stdout.String())
	}

	t.Run("pages", func(t *testing.T) {
		home := s.mustGet(t, "/", http.StatusOK)
		checkH1(t, "/", home.String(), "Docs home")
		for _, p := range []string{"/" + cafe, "/guide/Setup", "/" + reunion} {
			if !hasLink(t, "/", home.String(), p) {
				t.Errorf("/ has no (escaped) link to %q; links: %q", p, hrefs(home.String()))
			}
		}
		r := s.mustGet(t, cafeURL, http.StatusOK)
		checkH1(t, cafeURL, r.String(), cafe)
		if !strings.Contains(r.String(), "version-one") {
			t.Errorf("%s does not show its text", cafeURL)
		}
		setup := s.mustGet(t, "/guide/Setup", http.StatusOK)
		if !hasLink(t, "/guide/Setup", setup.String(), "/"+cafe) {
			t.Errorf("/guide/Setup: the relative .md link does not resolve to /%s; links: %q", cafe, hrefs(setup.String()))
		}
		checkH1(t, reunion, s.mustGet(t, "/"+escapePath(reunion), http.StatusOK).String(), "Réunion du lundi")

		raw := s.mustGet(t, "/-/raw"+cafeURL, http.StatusOK)
		if want := git(t, dir, "cat-file", "blob", "trunk:docs/"+cafe+".md"); strings.TrimSpace(raw.String()) != want {
			t.Errorf("/-/raw%s differs from the file in git", cafeURL)
		}
		list := s.mustGet(t, "/-/pages", http.StatusOK)
		for _, p := range []string{"/" + cafe, "/guide/Setup", "/" + reunion} {
			if !hasLink(t, "/-/pages", list.String(), p) {
				t.Errorf("/-/pages does not list %q", p)
			}
		}
		for _, body := range []string{home.String(), list.String()} {
			if strings.Contains(body, outsideMk) || strings.Contains(body, "Hidden") && strings.Contains(body, "secret") {
				t.Errorf("a page shows content from outside docs/ or from a dotfile")
			}
		}
		checkSecurityHeaders(t, cafeURL, r)
	})

	t.Run("attachments", func(t *testing.T) {
		r := s.mustGet(t, "/logo.png", http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "image/png" {
			t.Errorf("/logo.png Content-Type %q, want image/png", ct)
		}
		if !bytes.Equal(r.Body, logo) {
			t.Errorf("/logo.png body differs from the committed file")
		}
		checkSecurityHeaders(t, "/logo.png", r)
		if ct := s.mustGet(t, "/notes.txt", http.StatusOK).Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("/notes.txt Content-Type %q", ct)
		}
		// Files a browser could run are sandboxed or downloaded (DESIGN.md).
		svg := s.mustGet(t, "/diagram.svg", http.StatusOK)
		if !strings.Contains(svg.Header.Get("Content-Security-Policy"), "sandbox") && !strings.HasPrefix(svg.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("/diagram.svg is served neither sandboxed nor as a download: %v", svg.Header)
		}
		page := s.mustGet(t, "/page.html", http.StatusOK)
		if strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") && !strings.Contains(page.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("/page.html is served as live HTML: %v", page.Header)
		}
		nm := s.get(t, "/logo.png", "If-None-Match", r.Header.Get("ETag"))
		if nm.StatusCode != http.StatusNotModified {
			t.Errorf("/logo.png with its ETag: %d, want 304", nm.StatusCode)
		}
	})

	t.Run("content root", func(t *testing.T) {
		for _, p := range []string{
			"/README", "/secret", "/src/app.go", "/../secret", "/-/raw/../secret", "/%2e%2e/README.md",
			"/-/raw/%2e%2e/secret", "/..%2fsecret", "/.secret", "/.secret.md", "/-/raw/.secret", "/.env",
			"/%2eenv", "/.git/config", "/.git/HEAD", "/../.git/config", "/-/raw/../.git/config", "/guide/../../secret",
		} {
			r := s.get(t, p)
			if r.StatusCode < 400 || r.StatusCode >= 500 {
				t.Errorf("GET %s: status %d, want 4xx", p, r.StatusCode)
			}
			for _, leak := range []string{outsideMk, dotMk, "repositoryformatversion", "ref: refs/heads"} {
				if strings.Contains(r.String(), leak) {
					t.Errorf("GET %s: body contains %q", p, leak)
				}
			}
		}
	})

	// A second commit made with C git while the server runs.
	writeFiles(t, dir, map[string]string{
		"docs/" + cafe + ".md": "---\ntitle: " + cafe + "\ntags: [coffee]\n---\n\nA naïve page, version-two, with zephyrine.\n\n## Beans\n\nRobusta.\n",
		"docs/New page.md":     "# New page\n\nJust added.\n",
	})
	c2 := commitAll(t, dir, "Update the café notes")
	waitForRevision(t, s, c2)

	t.Run("change without restart", func(t *testing.T) {
		r := s.mustGet(t, cafeURL, http.StatusOK)
		if !strings.Contains(r.String(), "version-two") {
			t.Errorf("%s still shows the old text after a commit", cafeURL)
		}
		checkH1(t, "/New page", s.mustGet(t, "/New%20page", http.StatusOK).String(), "New page")
		if !hasLink(t, "/-/pages", s.mustGet(t, "/-/pages", http.StatusOK).String(), "/New page") {
			t.Errorf("/-/pages does not list the new page")
		}
		old := s.mustGet(t, cafeURL+"?rev="+c1, http.StatusOK)
		if !strings.Contains(old.String(), "version-one") || strings.Contains(old.String(), "version-two") {
			t.Errorf("%s?rev=%s does not show the first version", cafeURL, c1[:10])
		}
		hist := s.mustGet(t, "/-/history"+cafeURL, http.StatusOK).String()
		if !strings.Contains(hist, c1[:7]) || !strings.Contains(hist, c2[:7]) {
			t.Errorf("/-/history%s does not list both commits %s and %s", cafeURL, c1[:10], c2[:10])
		}
		if strings.Index(hist, c2[:7]) > strings.Index(hist, c1[:7]) {
			t.Errorf("/-/history%s is not newest first", cafeURL)
		}
		// Word-level highlighting splits words with <del>/<ins>: compare text.
		diff := html.UnescapeString(tagRe.ReplaceAllString(s.mustGet(t, "/-/diff"+cafeURL+"?from="+c1+"&to="+c2, http.StatusOK).String(), ""))
		for _, want := range []string{"version-one", "version-two, with zephyrine", "Arabica", "Robusta"} {
			if !strings.Contains(diff, want) {
				t.Errorf("/-/diff%s?from=%s&to=%s does not show %q", cafeURL, c1[:10], c2[:10], want)
			}
		}
		recent := html.UnescapeString(s.mustGet(t, "/-/recent", http.StatusOK).String())
		if !strings.Contains(recent, "Update the café notes") {
			t.Errorf("/-/recent does not show the new commit")
		}
		search := s.mustGet(t, "/-/search?q=zephyrine", http.StatusOK)
		if !hasLink(t, "/-/search", search.String(), "/"+cafe) {
			t.Errorf("/-/search?q=zephyrine does not find the word added by the new commit")
		}
	})

	// git gc packs the refs (refs/heads/trunk becomes a line of packed-refs)
	// and the objects, and prunes the loose files the server may have read.
	git(t, dir, "gc", "-q", "--prune=now")
	if _, err := os.Stat(filepath.Join(dir, ".git", "refs", "heads", "trunk")); err == nil {
		t.Logf("git gc left refs/heads/trunk loose")
	}
	t.Run("after gc", func(t *testing.T) {
		if h := s.health(t); h.Revision != c2 {
			t.Errorf("after git gc, /-/health revision %s, want %s", h.Revision, c2)
		}
		if !strings.Contains(s.mustGet(t, cafeURL, http.StatusOK).String(), "version-two") {
			t.Errorf("after git gc, %s lost the current text", cafeURL)
		}
		if !strings.Contains(s.mustGet(t, cafeURL+"?rev="+c1, http.StatusOK).String(), "version-one") {
			t.Errorf("after git gc, %s?rev= lost the old text", cafeURL)
		}
		if r := s.mustGet(t, "/logo.png", http.StatusOK); !bytes.Equal(r.Body, logo) {
			t.Errorf("after git gc, /logo.png changed")
		}
	})

	// A commit on top of packed refs, then a rewind: the server follows the
	// ref wherever it goes, not only forward.
	writeFiles(t, dir, map[string]string{"docs/" + cafe + ".md": "# " + cafe + "\n\nversion-three\n"})
	c3 := commitAll(t, dir, "Third version")
	waitForRevision(t, s, c3)
	if !strings.Contains(s.mustGet(t, cafeURL, http.StatusOK).String(), "version-three") {
		t.Errorf("after a commit on packed refs, %s does not show version-three", cafeURL)
	}
	git(t, dir, "reset", "-q", "--hard", c2)
	waitForRevision(t, s, c2)
	if body := s.mustGet(t, cafeURL, http.StatusOK).String(); !strings.Contains(body, "version-two") {
		t.Errorf("after rewinding trunk to %s, %s does not show version-two", c2[:10], cafeURL)
	}

	// The wiki reads git objects only: the working tree is as C git left it.
	if st := git(t, dir, "status", "--porcelain"); st != "" {
		t.Errorf("the working tree changed while serving:\n%s", st)
	}
	s.Stop(t)
	gitFsck(t, dir)
}

// waitForRevision waits until /-/health reports rev as the served commit.
func waitForRevision(tb testing.TB, s *Server, rev string) {
	tb.Helper()
	waitFor(tb, 10*time.Second, "/-/health to report "+rev[:10], func() (bool, string) {
		h := s.health(tb)
		return h.Revision == rev, "revision " + h.Revision
	})
}
