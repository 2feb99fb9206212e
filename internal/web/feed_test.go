package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/atom"
)

// TestFeedsValidate: the changes feed and the proposals feed follow RFC
// 4287, and a commit that touched several pages has one alternate link.
func TestFeedsValidate(t *testing.T) {
	tw := MustServe(t, testFiles)
	// The first commit touches every page of testFiles.
	if resp, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nChanged.\n"}, "base": {mustHead(t, tw)}}); resp.StatusCode != 303 {
		t.Fatalf("proposal: %d", resp.StatusCode)
	}
	for _, path := range []string{"/-/feed.atom", "/-/proposals/feed.atom"} {
		_, body := tw.get(t, path)
		if p := atom.Validate([]byte(body)); len(p) > 0 {
			t.Errorf("%s:\n%s\n%s", path, strings.Join(p, "\n"), body)
		}
		if !strings.Contains(body, "<entry>") {
			t.Errorf("%s has no entries:\n%s", path, body)
		}
	}
	_, body := tw.get(t, "/-/feed.atom")
	if !strings.Contains(body, `rel="related"`) {
		t.Errorf("the first commit's other pages are not related links:\n%s", body)
	}
}

func mustHead(t *testing.T, tw *testWiki) string {
	t.Helper()
	h, err := tw.repo.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

// TestPageAndFolderFeeds: every page and folder has a feed of its own
// changes, linked from the page, valid Atom, with only the changes that
// touched it (issue 12, item 7).
func TestPageAndFolderFeeds(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	alice := tw.MustSession(t, "alice")
	edit := func(page, text, summary string) {
		t.Helper()
		resp, body := tw.post(t, "/-/edit/"+page, url.Values{"content": {text}, "base": {mustHead(t, tw)}, "summary": {summary}, "action": {"save"}}, alice)
		if resp.StatusCode != 303 {
			t.Fatalf("edit %s: %d\n%s", page, resp.StatusCode, body)
		}
	}
	edit("Guides/Passwords", "# Passwords\n\nUse a manager.\n", "Shorter passwords page")
	edit("", "# Welcome\n\nHello.\n", "Shorter welcome")
	edit("Guides/Café notes", "# Café notes\n\nMore accents.\n", "More café")

	_, page := tw.get(t, "/Guides/Passwords")
	link := `href="/-/feed.atom?page=Guides/Passwords"`
	if strings.Count(page, link) != 2 {
		t.Errorf("the page does not link its feed in the head and the page (%s):\n%s", link, excerptAround(page, "doc-changed"))
	}
	for _, tc := range []struct {
		path       string
		title      string
		want, none []string
	}{
		{"/-/feed.atom?page=Guides/Passwords", "Test Wiki: changes to Passwords", []string{"Shorter passwords page"}, []string{"Shorter welcome", "More café"}},
		{"/-/feed.atom?page=Guides/Caf%C3%A9%20notes", "changes to Café notes", []string{"More café"}, []string{"Shorter passwords page"}},
		{"/-/feed.atom?page=Guides", "Test Wiki: changes to Guides", []string{"Shorter passwords page", "More café"}, []string{"Shorter welcome"}},
		{"/-/feed.atom?page=", "Test Wiki: recent changes", []string{"Shorter passwords page", "Shorter welcome", "More café"}, nil},
	} {
		resp, body := tw.get(t, tc.path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", tc.path, resp.StatusCode)
			continue
		}
		if p := atom.Validate([]byte(body)); len(p) > 0 {
			t.Errorf("%s:\n%s", tc.path, strings.Join(p, "\n"))
		}
		if !strings.Contains(body, tc.title) {
			t.Errorf("%s: title is not %q:\n%s", tc.path, tc.title, body[:min(len(body), 600)])
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", tc.path, w)
			}
		}
		for _, w := range tc.none {
			if strings.Contains(body, w) {
				t.Errorf("%s has %q, a change elsewhere", tc.path, w)
			}
		}
	}
	_, folder := tw.get(t, "/Empty")
	if !strings.Contains(folder, `href="/-/feed.atom?page=Empty"`) {
		t.Errorf("a folder without a page does not link its feed:\n%s", excerptAround(folder, "doc-meta"))
	}
	for path, status := range map[string]int{"/-/feed.atom?page=Nowhere": 404, "/-/feed.atom?page=../etc": 400, "/-/feed.atom?page=.git/config": 400} {
		if resp, _ := tw.get(t, path); resp.StatusCode != status {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, status)
		}
	}
}
