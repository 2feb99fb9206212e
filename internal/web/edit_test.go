package web

import (
	"context"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// refs lists every ref and its commit, to prove a refused submission moved
// and created none.
func (tw *testWiki) refs(tb testing.TB) string {
	tb.Helper()
	m, err := tw.repo.Refs(context.Background(), "refs/")
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	for k, v := range m {
		b.WriteString(k + "=" + v.String() + "\n")
	}
	return b.String()
}

// TestEditRefusals is the list of bad input: each answer is a 4xx
// with the reason shown, the person's text still in the form, and no ref
// created or moved.
func TestEditRefusals(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	head, _ := tw.repo.Head(context.Background())
	base := head.String()
	keep := "My precious paragraph."
	bomb := "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n---\n"
	deep := "---\nx: " + strings.Repeat("[", 60) + strings.Repeat("]", 60) + "\n---\n"
	form := func(kv ...string) url.Values {
		v := url.Values{"content": {keep}, "base": {base}, "action": {"save"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	cases := []struct {
		name   string
		path   string
		form   url.Values
		hdr    []any
		status int
		kept   string // text that must be back in the form
	}{
		{"invalid utf-8", "/-/edit/Guides/Passwords", form("content", keep+"\xff"), nil, 400, keep},
		{"nul", "/-/edit/Guides/Passwords", form("content", keep+"\x00"), nil, 400, keep},
		{"10 MB", "/-/edit/Guides/Passwords", form("content", keep+strings.Repeat("x", 10<<20)), nil, 413, keep},
		{"dotdot", "/-/new", form("path", "../evil"), nil, 400, keep},
		{"git", "/-/new", form("path", ".git/config"), nil, 400, keep},
		{"leading dash", "/-/new", form("path", "-/x"), nil, 400, keep},
		{"deep front matter", "/-/edit/Guides/Passwords", form("content", deep+keep), nil, 400, keep},
		{"alias bomb", "/-/edit/Guides/Passwords", form("content", bomb+keep), nil, 400, keep},
		{"name with newline", "/-/edit/Guides/Passwords", form("name", "Ana\nEvil"), nil, 400, keep},
		{"unknown base", "/-/edit/Guides/Passwords", form("base", strings.Repeat("ab", 20)), nil, 400, keep},
		{"junk base", "/-/edit/Guides/Passwords", form("base", "main~1"), nil, 400, keep},
		{"cross-origin", "/-/edit/Guides/Passwords", form(), []any{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 403, ""},
		{"merge without login", "/-/proposals/1/merge", url.Values{}, nil, 403, ""},
		{"reject without login", "/-/proposals/1/reject", url.Values{"reason": {"no"}}, nil, 403, ""},
	}
	before := tw.refs(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tw.post(t, tc.path, tc.form, tc.hdr...)
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d, want %d\n%.300s", resp.StatusCode, tc.status, body)
			}
			if tc.kept != "" && !strings.Contains(html.UnescapeString(body), tc.kept) {
				t.Fatal("the text was not given back in the form")
			}
			if !strings.Contains(body, `role="alert"`) && !strings.Contains(body, "<h1") {
				t.Fatal("no reason shown")
			}
		})
	}
	if after := tw.refs(t); after != before && !sameRefs(before, after) {
		t.Fatalf("refs changed:\nbefore %s\nafter %s", before, after)
	}
}

func sameRefs(a, b string) bool {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) {
		return false
	}
	m := map[string]bool{}
	for _, l := range la {
		m[l] = true
	}
	for _, l := range lb {
		if !m[l] {
			return false
		}
	}
	return true
}

// TestEditFlows covers the three destinations of a save: a proposal for an
// anonymous edit, a commit for a maintainer, and a revision of a proposal
// with its private token.
func TestEditFlows(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	head, _ := tw.repo.Head(context.Background())
	resp, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nNew text.\n"}, "base": {head.String()}, "action": {"save"}, "name": {"Pia"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/-/proposals/1?token=") {
		t.Fatalf("anonymous save: %d %q", resp.StatusCode, loc)
	}
	if h, _ := tw.repo.Head(context.Background()); h != head {
		t.Fatal("anonymous edit moved main under the review policy")
	}
	u, _ := url.Parse(loc)
	token := u.Query().Get("token")
	_, _, body := tw.getRevise(t, loc)
	if !strings.Contains(body, "token="+token) {
		t.Fatal("the private revise link is not shown after opening")
	}
	// Revise with the token.
	prop, _ := tw.srv.review.Get(context.Background(), 1)
	resp, _ = tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nNewer text.\n"}, "base": {prop.Head}, "action": {"save"}, "proposal": {"1"}, "token": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revise: %d", resp.StatusCode)
	}
	resp, _ = tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"x"}, "base": {prop.Head}, "action": {"save"}, "proposal": {"1"}, "token": {"wrong"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("revise with a wrong token: %d", resp.StatusCode)
	}
	// A maintainer publishes directly, and may merge.
	alice := tw.MustSession(t, "alice")
	resp, _ = tw.post(t, "/-/edit/Guides/Backups", url.Values{"content": {"---\ntitle: Backups\n---\nFresh.\n"}, "base": {head.String()}, "action": {"save"}}, alice)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/Guides/Backups") {
		t.Fatalf("maintainer save: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = tw.post(t, "/-/proposals/1/merge", url.Values{}, alice)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge: %d", resp.StatusCode)
	}
	_, body = tw.get(t, "/Guides/Passwords")
	if !strings.Contains(body, "Newer text.") {
		t.Fatal("merged revision not on the page")
	}
	// Unsafe HTML is removed, and the contributor is told before saving.
	resp, body = tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"Hi <script>alert(1)</script> there"}, "base": {head.String()}, "action": {"save"}}, alice)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "removed") || strings.Contains(body, "<script>alert") {
		t.Fatalf("cleaning notice: %d", resp.StatusCode)
	}
}

// TestAttachmentNeverReplacesAnotherFile: an upload whose name is taken by
// a different file next to the page is refused, with the text kept.
func TestAttachmentNeverReplacesAnotherFile(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	head, _ := tw.repo.Head(context.Background())
	png := "\x89PNG\r\n\x1a\n" + "other picture"
	form := url.Values{"content": {"# Passwords\n\nKeep me.\n"}, "base": {head.String()}, "action": {"save"},
		"pending_name": {"diagram.png"}, "pending_data": {base64.StdEncoding.EncodeToString([]byte(png))}}
	// Guides/img/diagram.png exists, but attachments go next to the page:
	// Guides/diagram.png is free, so the first save works...
	resp, _ := tw.post(t, "/-/edit/Guides/Passwords", form, tw.MustSession(t, "alice"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first upload: %d", resp.StatusCode)
	}
	// ...and a different file under the same name is then refused.
	head, _ = tw.repo.Head(context.Background())
	form.Set("base", head.String())
	form.Set("pending_data", base64.StdEncoding.EncodeToString([]byte(png+" v2")))
	resp, body := tw.post(t, "/-/edit/Guides/Passwords", form, tw.MustSession(t, "alice"))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(html.UnescapeString(body), "Keep me.") {
		t.Fatalf("second upload: %d", resp.StatusCode)
	}
}

// TestRevOfUnpublishedCommitIsFlagged: ?rev= of a proposal's commit shows
// the page with a notice that it is not the published wiki.
func TestRevOfUnpublishedCommitIsFlagged(t *testing.T) {
	tw := MustServe(t, testFiles)
	head, _ := tw.repo.Head(context.Background())
	resp, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nOfficial-looking lies.\n"}, "base": {head.String()}, "action": {"save"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("proposal: %d", resp.StatusCode)
	}
	prop, _ := tw.srv.review.Get(context.Background(), 1)
	_, body := tw.get(t, "/Guides/Passwords?rev="+prop.Head)
	if !strings.Contains(body, "Official-looking lies.") || !strings.Contains(body, "not part of the published wiki") {
		t.Fatal("an unpublished revision is shown without a notice")
	}
	_, body = tw.get(t, "/Guides/Passwords?rev="+head.String())
	if strings.Contains(body, "not part of the published wiki") {
		t.Fatal("a published revision is flagged")
	}
}
