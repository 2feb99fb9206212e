package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// getRevise follows a revise link as a browser would: the token moves into
// a cookie and the address loses it; it returns the token-free address,
// the cookie and the page there.
func (tw *testWiki) getRevise(tb testing.TB, link string) (to string, c *http.Cookie, body string) {
	tb.Helper()
	resp, _ := tw.get(tb, link)
	to = resp.Header.Get("Location")
	for _, k := range resp.Cookies() {
		if strings.HasPrefix(k.Name, reviseCookiePrefix) {
			c = k
		}
	}
	if resp.StatusCode != http.StatusSeeOther || c == nil || strings.Contains(to, "token") {
		tb.Fatalf("GET %s: %d to %q, cookie %v; want 303 to a token-free address and a cookie", link, resp.StatusCode, to, c)
	}
	_, body = tw.getAs(tb, to, c)
	return to, c, body
}

// TestReviseTokenLeavesTheAddress: the private revise link and the
// proposal page it leads to put the token in an HttpOnly, SameSite=Lax
// cookie of that proposal and send the browser to the same address without
// it, where the contributor can still revise; a wrong token, or another
// proposal's cookie, opens nothing.
func TestReviseTokenLeavesTheAddress(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	propose := func(content string) (loc, token string) {
		resp, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {content}, "base": {mustHead(t, tw)}, "action": {"save"}})
		loc = resp.Header.Get("Location")
		u, err := url.Parse(loc)
		if resp.StatusCode != http.StatusSeeOther || err != nil || u.Query().Get("token") == "" {
			t.Fatalf("propose: %d %q", resp.StatusCode, loc)
		}
		return loc, u.Query().Get("token")
	}
	loc, token := propose("# Passwords\n\nFirst proposal.\n")
	_, other := propose("# Passwords\n\nSecond proposal.\n")

	to, c, body := tw.getRevise(t, loc)
	if to != "/-/proposals/1?opened=1" {
		t.Errorf("proposal page without the token: %q", to)
	}
	if c.Name != "gitwiki_proposal_1" || c.Value != token || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/-/" || c.MaxAge != 0 {
		t.Errorf("cookie %+v", c)
	}
	// The page still offers the private link to copy, and Revise.
	revise := "/-/edit/Guides/Passwords?proposal=1&amp;token=" + token
	if !strings.Contains(body, revise) {
		t.Fatalf("the proposal page lacks the private link:\n%s", excerptAround(body, "revise"))
	}
	to, c, body = tw.getRevise(t, strings.ReplaceAll(revise, "&amp;", "&"))
	if to != "/-/edit/Guides/Passwords?proposal=1" {
		t.Errorf("editor without the token: %q", to)
	}
	if !strings.Contains(body, `<input type="hidden" name="token" value="`+token+`">`) || !strings.Contains(body, "First proposal.") {
		t.Errorf("the editor behind the cookie does not revise proposal 1:\n%s", excerptAround(body, `name="token"`))
	}
	// Without the cookie, or with proposal 1's cookie on proposal 2, the
	// token-free addresses open nothing.
	if resp, _ := tw.get(t, to); resp.StatusCode != http.StatusForbidden {
		t.Errorf("editor without cookie: %d, want 403", resp.StatusCode)
	}
	if resp, _ := tw.getAs(t, "/-/edit/Guides/Passwords?proposal=2", c); resp.StatusCode != http.StatusForbidden {
		t.Errorf("proposal 1's cookie on proposal 2: %d, want 403", resp.StatusCode)
	}
	if _, body := tw.getAs(t, "/-/proposals/2", c); strings.Contains(body, other) || strings.Contains(body, token) {
		t.Error("proposal 1's cookie shows a revise link on proposal 2")
	}
	// A wrong token is not moved anywhere: the editor refuses it as before.
	resp, _ := tw.get(t, "/-/edit/Guides/Passwords?proposal=1&token=wrong")
	if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Errorf("wrong token: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	// The revision posts the token in the form, as before, and works.
	prop, _ := tw.srv.review.Get(context.Background(), 1)
	resp, _ = tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nRevised.\n"}, "base": {prop.Head}, "action": {"save"}, "proposal": {"1"}, "token": {token}}, c)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revise: %d", resp.StatusCode)
	}
	if resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy %q", resp.Header.Get("Referrer-Policy"))
	}
}
