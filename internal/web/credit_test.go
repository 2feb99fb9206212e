package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestMergedProposalCredit: after a maintainer merges a proposal, the page
// names its author and the reviewer, the history lists the author's own
// commit next to the merge, the merge commit carries a Co-authored-by
// trailer, and the feed credits the author (issue 12, item 1).
func TestMergedProposalCredit(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	ctx := context.Background()
	head, _ := tw.repo.Head(ctx)
	resp, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nUse a manager, and a long passphrase.\n"}, "base": {head.String()},
		"action": {"save"}, "name": {"Ana Pseudo"}, "email": {"ana@example.org"}, "summary": {"Mention passphrases"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("propose: %d", resp.StatusCode)
	}
	alice := tw.MustSession(t, "alice")
	if resp, _ := tw.post(t, "/-/proposals/1/merge", url.Values{}, alice); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge: %d", resp.StatusCode)
	}
	merged, _ := tw.repo.Head(ctx)
	c, err := tw.repo.Commit(ctx, merged)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Message, "\n\nCo-authored-by: Ana Pseudo <ana@example.org>\n") || len(c.Parents) != 2 {
		t.Errorf("merge commit message:\n%s", c.Message)
	}
	_, page := tw.get(t, "/Guides/Passwords")
	if !strings.Contains(page, "by Ana Pseudo") || !strings.Contains(page, "reviewed by alice") {
		t.Errorf("the page does not credit the author and reviewer:\n%s", excerptAround(page, "doc-changed"))
	}
	_, hist := tw.get(t, "/-/history/Guides/Passwords")
	if !strings.Contains(hist, "Mention passphrases") || !strings.Contains(hist, "Merge proposal 1") {
		t.Errorf("history lacks the proposal's own commit or the merge:\n%s", excerptAround(hist, "history-summary"))
	}
	_, feed := tw.get(t, "/-/feed.atom")
	if !strings.Contains(feed, "<name>Ana Pseudo</name>") {
		t.Errorf("the feed does not credit the author:\n%s", feed)
	}
}

// excerptAround is the text near the first sight of marker, for messages.
func excerptAround(s, marker string) string {
	i := strings.Index(s, marker)
	if i < 0 {
		return "(no " + marker + ")"
	}
	return s[i:min(len(s), i+600)]
}
