package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"testing"
)

// TestLockoutNotWeaponised: strangers failing to guess a maintainer's
// password lock the account for unknown browsers only; the maintainer's own
// browser, which has logged in before, still gets in. Behind a trusted
// proxy each client has its own limits (hardening item 6).
func TestLockoutNotWeaponised(t *testing.T) {
	tw := MustServe(t, testFiles, func(o *Options) { o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	tw.MustAccounts(t)
	login := func(from, password string, cookies ...*http.Cookie) *http.Response {
		hdr := []any{"X-Forwarded-For", from}
		for _, c := range cookies {
			hdr = append(hdr, c)
		}
		resp, _ := tw.post(t, "/-/login", url.Values{"username": {"alice"}, "password": {password}}, hdr...)
		return resp
	}
	// Alice logs in from her laptop once; the browser keeps a device cookie.
	resp := login("198.51.100.7", alicePassword)
	var device *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == deviceCookie {
			device = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || device == nil {
		t.Fatalf("first login: %d, device cookie %v", resp.StatusCode, device)
	}
	// Strangers everywhere fail, one try each.
	for i := range loginNameBurst + 2 {
		login("203.0.113."+itoa(i+1), "guess "+itoa(i))
	}
	if resp := login("198.51.100.99", alicePassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("an unknown browser during the attack: %d, want 429", resp.StatusCode)
	}
	if resp := login("192.0.2.50", alicePassword, device); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("alice's own browser, now elsewhere, is locked out: %d", resp.StatusCode)
	}
	// Each stranger is limited on its own: one address trying many times is
	// stopped without stopping the others.
	for range loginPairBurst {
		login("203.0.113.200", "guess")
	}
	if resp := login("203.0.113.200", "guess"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a stranger past its own limit: %d, want 429", resp.StatusCode)
	}
}

// TestForwardedForIgnoredByDefault: without a trusted proxy, the header
// anyone can send does not choose whose limits a request spends.
func TestForwardedForIgnoredByDefault(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	for i := range loginClientBurst {
		tw.post(t, "/-/login", url.Values{"username": {"nobody" + itoa(i)}, "password": {"x"}}, "X-Forwarded-For", "203.0.113."+itoa(i+1))
	}
	resp, _ := tw.post(t, "/-/login", url.Values{"username": {"bob"}, "password": {bobPassword}}, "X-Forwarded-For", "198.51.100.1")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For escaped the client limit: %d", resp.StatusCode)
	}
}
