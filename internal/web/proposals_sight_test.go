package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestProposalsInSight: the page and its editor list the open proposals
// that change it; the proposal page says it conflicts as soon as main
// changes the same lines, and names the other proposal on the page; a
// maintainer sees the count in the header and resolves the conflict block
// by block with a plain form (issue 12, item 2).
func TestProposalsInSight(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	ctx := context.Background()
	base, _ := tw.repo.Head(ctx)
	propose := func(text, name string) {
		t.Helper()
		resp, body := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {text}, "base": {base.String()}, "action": {"save"}, "name": {name}, "summary": {"By " + name}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("propose by %s: %d\n%s", name, resp.StatusCode, body)
		}
	}
	resp, _ := tw.get(t, "/Guides/Passwords")
	etag := resp.Header.Get("ETag")
	propose("# Passwords\n\nUse a manager you trust. Back to [[Backups]].\n", "Ana")

	// The page's ETag changes with the proposals it lists.
	if resp, _ := tw.get(t, "/Guides/Passwords", "If-None-Match", etag); resp.StatusCode == http.StatusNotModified {
		t.Fatal("the page answered 304 after a proposal for it was opened")
	}
	propose("# Passwords\n\nUse a password manager. Back to [[Backups]].\n", "Ben")
	_, page := tw.get(t, "/Guides/Passwords")
	page = html.UnescapeString(page)
	for _, want := range []string{"2 changes to this page are waiting for review", `href="/-/proposals/1">#1 By Ana</a> · Ana`, `href="/-/proposals/2">#2 By Ben</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, excerptAround(page, "open-proposals"))
		}
	}
	_, editor := tw.get(t, "/-/edit/Guides/Passwords")
	if !strings.Contains(editor, "proposed changes to this page are already waiting") || !strings.Contains(editor, `href="/-/proposals/2"`) {
		t.Errorf("the editor does not list the open proposals:\n%s", excerptAround(editor, "open-proposals"))
	}
	_, other := tw.get(t, "/Guides/Backups")
	if strings.Contains(other, "open-proposals") {
		t.Error("a page no proposal changes lists proposals")
	}

	// The two proposals change the same line differently: each says so.
	_, p1 := tw.get(t, "/-/proposals/1")
	if !strings.Contains(html.UnescapeString(p1), "#2 By Ben</a> · Ben — <strong>it changes the same lines differently") {
		t.Errorf("proposal 1 does not name the clashing proposal 2:\n%s", excerptAround(p1, "proposal-standing"))
	}
	if strings.Contains(p1, "no longer merges cleanly") {
		t.Error("proposal 1 says it conflicts with an unchanged main")
	}

	// A maintainer publishes Ben's line: proposal 1 now conflicts with the
	// current text, and says so before anyone presses Merge.
	alice := tw.MustSession(t, "alice")
	if resp, _ := tw.post(t, "/-/proposals/2/merge", url.Values{}, alice); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge 2: %d", resp.StatusCode)
	}
	_, p1 = tw.get(t, "/-/proposals/1")
	if !strings.Contains(p1, "no longer merges cleanly") || !strings.Contains(p1, "A maintainer will choose what to keep") {
		t.Errorf("proposal 1 does not say it conflicts:\n%s", excerptAround(p1, "proposal-standing"))
	}
	if strings.Contains(p1, `name="keep-0-0"`) {
		t.Error("a reader is offered the maintainer's resolution form")
	}
	resp, p1m := tw.getAs(t, "/-/proposals/1", alice)
	if resp.StatusCode != http.StatusOK || !strings.Contains(p1m, `name="keep-0-0" value="proposal"`) || !strings.Contains(p1m, `class="site-waiting"`) {
		t.Fatalf("the maintainer is not offered the per-block form or the count:\n%s", excerptAround(p1m, "conflict-form"))
	}
	if !strings.Contains(p1m, "1 proposal waiting for review") {
		t.Errorf("header count:\n%s", excerptAround(p1m, "site-waiting"))
	}
	head := formValue(t, p1m, "head")
	reviewed := formValue(t, p1m, "reviewed")

	// Merge pressed with a block unanswered: 422, nothing merged, the
	// text the maintainer wrote is still there.
	form := url.Values{"head": {head}, "reviewed": {reviewed}, "path-0": {"Guides/Passwords.md"}, "text-0-0": {"Use a password manager you trust. Back to [[Backups]].\n"}}
	resp, body := tw.post(t, "/-/proposals/1/merge", form, alice)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose what to keep for every conflicting block") || !strings.Contains(body, "Use a password manager you trust.") {
		t.Fatalf("unanswered block: %d\n%s", resp.StatusCode, excerptAround(body, "form-problem"))
	}
	if now, _ := tw.repo.Head(ctx); now.String() != head {
		t.Fatal("an unanswered resolution merged")
	}
	form.Set("keep-0-0", "edit")
	if resp, body := tw.post(t, "/-/proposals/1/merge", form, alice); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resolved merge: %d\n%s", resp.StatusCode, excerptAround(body, "form-problem"))
	}
	_, raw := tw.get(t, "/-/raw/Guides/Passwords")
	if raw != "# Passwords\n\nUse a password manager you trust. Back to [[Backups]].\n" {
		t.Errorf("merged text %q", raw)
	}
	if _, p := tw.getAs(t, "/Guides/Passwords", alice); strings.Contains(p, "open-proposals") || strings.Contains(p, `class="site-waiting"`) {
		t.Error("proposals still listed after both were merged")
	}
}

// formValue reads the value of the first hidden input named name.
func formValue(tb testing.TB, body, name string) string {
	tb.Helper()
	marker := `name="` + name + `" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		tb.Fatalf("no input %q", name)
	}
	rest := body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}
