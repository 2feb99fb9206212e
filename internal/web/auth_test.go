package web

import (
	"compress/gzip"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/users"
)

const (
	alicePassword = "correct horse battery staple" // maintainer
	bobPassword   = "staple battery horse correct" // contributor
)

// accountsFile is a users.json holding alice and bob, hashed once per test
// run: each argon2id hash takes about a second.
var accountsFile = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "gitwiki-users-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	st, err := users.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := st.Add("alice", alicePassword, true); err != nil {
		return nil, err
	}
	if err := st.Add("bob", bobPassword, false); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(dir, "users.json"))
})

// MustAccounts gives the wiki the accounts alice (maintainer) and bob.
func (tw *testWiki) MustAccounts(tb testing.TB) {
	tb.Helper()
	b, err := accountsFile()
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tw.srv.auth.dataDir, "users.json"), b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// MustSession returns a session cookie for an existing account, without
// the cost of a password check.
func (tw *testWiki) MustSession(tb testing.TB, name string) *http.Cookie {
	tb.Helper()
	v := tw.srv.users.NewSession(name, 0)
	if v == "" {
		tb.Fatalf("no account %q (call MustAccounts)", name)
	}
	return &http.Cookie{Name: sessionCookie, Value: v}
}

// post sends a form; hdr are header name/value pairs, and a *http.Cookie
// among them is sent as a cookie.
func (tw *testWiki) post(tb testing.TB, path string, form url.Values, hdr ...any) (*http.Response, string) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, tw.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return tw.do(tb, req, hdr...)
}

func (tw *testWiki) do(tb testing.TB, req *http.Request, hdr ...any) (*http.Response, string) {
	tb.Helper()
	for i := 0; i < len(hdr); i++ {
		switch h := hdr[i].(type) {
		case *http.Cookie:
			req.AddCookie(h)
		case string:
			i++
			req.Header.Set(h, hdr[i].(string))
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var body io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			tb.Fatal(err)
		}
		body = zr
	}
	b, _ := io.ReadAll(body)
	return resp, string(b)
}

func (tw *testWiki) getAs(tb testing.TB, path string, c *http.Cookie, hdr ...any) (*http.Response, string) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, tw.ts.URL+path, nil)
	if c != nil {
		req.AddCookie(c)
	}
	return tw.do(tb, req, hdr...)
}

func sessionFrom(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

func TestLoginLogout(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)

	resp, body := tw.get(t, "/")
	if !strings.Contains(body, `href="/-/login?next=%2f"`) || strings.Contains(body, "Log out") {
		t.Fatal("anonymous header lacks the Log in link")
	}
	anonETag := resp.Header.Get("ETag")

	resp, body = tw.get(t, "/-/login?next=/Guides/Backups")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /-/login: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	for _, want := range []string{`action="/-/login"`, `name="username"`, `autocomplete="username"`, `name="password"`,
		`type="password"`, `autocomplete="current-password"`, `<label for="login-username">`, `<label for="login-password">`,
		`name="next" value="/Guides/Backups"`} {
		if !strings.Contains(body, want) {
			t.Errorf("login form lacks %s", want)
		}
	}

	resp, body = tw.post(t, "/-/login", url.Values{"username": {"alice"}, "password": {"wrong password!"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong name or password") ||
		!strings.Contains(body, `value="alice"`) || strings.Contains(body, "wrong password!") || sessionFrom(resp) != nil {
		t.Fatalf("wrong password: %d, cookie %v\n%.600s", resp.StatusCode, sessionFrom(resp), body)
	}
	resp, body = tw.post(t, "/-/login", url.Values{"username": {"mallory"}, "password": {alicePassword}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong name or password") {
		t.Fatalf("unknown user: %d", resp.StatusCode)
	}

	resp, _ = tw.post(t, "/-/login", url.Values{"username": {"alice"}, "password": {alicePassword}, "next": {"/Guides/Backups"}})
	c := sessionFrom(resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/Guides/Backups" || c == nil {
		t.Fatalf("login: %d to %q, cookie %v", resp.StatusCode, resp.Header.Get("Location"), c)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge != int(users.DefaultSessionTTL/time.Second) {
		t.Fatalf("cookie flags: %+v", c)
	}

	resp, body = tw.getAs(t, "/", c)
	if !strings.Contains(body, "<strong>alice</strong>") || !strings.Contains(body, `action="/-/logout"`) || strings.Contains(body, `href="/-/login`) {
		t.Fatal("logged-in header lacks the account and Log out")
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("logged-in page: Cache-Control %q", cc)
	}
	if et := resp.Header.Get("ETag"); et == "" || et == anonETag {
		t.Errorf("logged-in page has the anonymous ETag %q", et)
	}
	resp, _ = tw.getAs(t, "/", c, "If-None-Match", anonETag)
	if resp.StatusCode != 200 {
		t.Errorf("anonymous ETag answered %d for a logged-in reader", resp.StatusCode)
	}
	resp, _ = tw.getAs(t, "/", nil, "If-None-Match", anonETag)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("anonymous revalidation: %d", resp.StatusCode)
	}

	resp, _ = tw.post(t, "/-/logout", nil, c)
	out := sessionFrom(resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || out == nil || out.MaxAge >= 0 || out.Value != "" {
		t.Fatalf("logout: %d, cookie %+v", resp.StatusCode, out)
	}
	// The old cookie, copied elsewhere, no longer works either.
	_, body = tw.getAs(t, "/", c)
	if strings.Contains(body, "<strong>alice</strong>") {
		t.Fatal("session still valid after logout")
	}
}

func TestLocalPath(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/", "/"},
		{"/Guides/Backups", "/Guides/Backups"},
		{"/Guides/Caf%C3%A9?rev=abc#top", "/Guides/Caf%C3%A9?rev=abc#top"},
		{"", ""},
		{"//evil.example", ""},
		{"//evil.example/path", ""},
		{"/\\evil.example", ""},
		{"\\\\evil.example", ""},
		{"/\t/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r/evil.example", ""},
		{"https://evil.example", ""},
		{"http:evil.example", ""},
		{"javascript:alert(1)", ""},
		{"evil.example", ""},
		{" /x", ""},
		{"/x\x00", ""},
		{"/a\\b", ""},
		{"/" + strings.Repeat("a", 3000), ""},
	}
	for _, tc := range cases {
		if got := localPath(tc.in); got != tc.want {
			t.Errorf("localPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLoginReturnsToThePage: the header's Log in link names the page it is
// on, the form carries it, and logging in lands there; the account pages
// themselves and addresses elsewhere are not carried.
func TestLoginReturnsToThePage(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	_, body := tw.get(t, "/Guides/Backups?rev=main")
	link := regexp.MustCompile(`<a class="site-account site-login" href="([^"]+)"`).FindStringSubmatch(body)
	if link == nil || html.UnescapeString(link[1]) != "/-/login?next=%2fGuides%2fBackups%3frev%3dmain" {
		t.Fatalf("Log in link %q", link)
	}
	_, body = tw.get(t, html.UnescapeString(link[1]))
	if !strings.Contains(body, `<input type="hidden" name="next" value="/Guides/Backups?rev=main">`) {
		t.Fatalf("login form lacks next:\n%.2000s", body)
	}
	resp, _ := tw.post(t, "/-/login", url.Values{"username": {"bob"}, "password": {bobPassword}, "next": {"/Guides/Backups?rev=main"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/Guides/Backups?rev=main" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, next := range []string{"/-/login", "/-/login?next=%2f", "/-/setup?token=x", "/-/logout", "//evil.example", "https://evil.example/", "/\\evil.example", "\\evil.example"} {
		_, body := tw.get(t, "/-/login?next="+url.QueryEscape(next))
		if form := regexp.MustCompile(`(?s)<form class="form".*?</form>`).FindString(body); form == "" || strings.Contains(form, `name="next"`) {
			t.Errorf("login form carries next=%q", next)
		}
		resp, _ := tw.post(t, "/-/login", url.Values{"username": {"bob"}, "password": {bobPassword}, "next": {next}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("login with next=%q: %d to %q, want 303 to /", next, resp.StatusCode, loc)
		}
	}
}

func TestLoginOpenRedirect(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	_, body := tw.get(t, "/-/login?next=//evil.example")
	if strings.Contains(body, "evil.example") {
		t.Fatal("form carries a foreign next")
	}
	resp, _ := tw.post(t, "/-/login", url.Values{"username": {"bob"}, "password": {bobPassword}, "next": {"/\\evil.example"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("got %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLoginRateLimit(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	wrong := url.Values{"username": {"alice"}, "password": {"not the password"}}
	for i := range loginNameBurst {
		if resp, _ := tw.post(t, "/-/login", wrong); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := tw.post(t, "/-/login", url.Values{"username": {"ALICE"}, "password": {alicePassword}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Wait a minute") || resp.Header.Get("Retry-After") == "" || sessionFrom(resp) != nil {
		t.Fatalf("after %d failures: %d\n%.400s", loginNameBurst, resp.StatusCode, body)
	}
	// Another account from the same client is not locked by alice's limit.
	if resp, _ := tw.post(t, "/-/login", url.Values{"username": {"bob"}, "password": {bobPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob locked out by alice's limit: %d", resp.StatusCode)
	}
	// A minute later alice has one more try.
	later := time.Now().Add(time.Minute + time.Second)
	tw.srv.auth.loginName.now = func() time.Time { return later }
	tw.srv.auth.loginPair.now = func() time.Time { return later }
	if resp, _ := tw.post(t, "/-/login", url.Values{"username": {"alice"}, "password": {alicePassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after a minute: %d", resp.StatusCode)
	}

	// The per-client limit covers every name a client tries.
	tw.srv.auth.loginClient = newLimiter(2, time.Minute, 10)
	for _, name := range []string{"carol", "dave"} {
		tw.post(t, "/-/login", url.Values{"username": {name}, "password": {"whatever it is"}})
	}
	if resp, _ := tw.post(t, "/-/login", url.Values{"username": {"erin"}, "password": {"whatever it is"}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("per-client limit: %d", resp.StatusCode)
	}
}

func TestCrossOrigin(t *testing.T) {
	tw := MustServe(t, testFiles)
	host := strings.TrimPrefix(tw.ts.URL, "http://")
	cases := []struct {
		name   string
		hdr    []any
		status int
	}{
		{"cross-site", []any{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"same-site subdomain", []any{"Sec-Fetch-Site", "same-site"}, http.StatusForbidden},
		{"foreign origin, old browser", []any{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"null origin", []any{"Origin", "null"}, http.StatusForbidden},
		{"same-origin", []any{"Sec-Fetch-Site", "same-origin", "Origin", "http://" + host}, http.StatusSeeOther},
		{"origin matches host", []any{"Origin", "http://" + host}, http.StatusSeeOther},
		{"typed by the user", []any{"Sec-Fetch-Site", "none"}, http.StatusSeeOther},
		{"not a browser", nil, http.StatusSeeOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tw.post(t, "/-/logout", nil, tc.hdr...)
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == http.StatusForbidden && !strings.Contains(body, "sent from another website") {
				t.Fatalf("403 without an explanation:\n%.600s", body)
			}
		})
	}

	// git's smart HTTP sends neither header and must pass.
	req, _ := http.NewRequest(http.MethodPost, tw.ts.URL+"/-/git/git-upload-pack", strings.NewReader("0000"))
	req.Header.Set("Content-Type", "application/x-git-upload-pack-request")
	req.Header.Set("User-Agent", "git/2.43.0")
	if resp, body := tw.do(t, req); resp.StatusCode == http.StatusForbidden {
		t.Fatalf("git POST refused: %d %s", resp.StatusCode, body)
	}

	// The configured public origin is trusted even when a proxy changes Host.
	pub := MustServe(t, testFiles, func(o *Options) { o.BaseURL = "https://wiki.example.org/" })
	if resp, _ := pub.post(t, "/-/logout", nil, "Origin", "https://wiki.example.org"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("base URL origin refused: %d", resp.StatusCode)
	}
	if resp, _ := pub.post(t, "/-/logout", nil, "Origin", "https://wiki.example.org.evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("look-alike origin allowed: %d", resp.StatusCode)
	}
}

func TestSetup(t *testing.T) {
	var logs strings.Builder
	tw := MustServe(t, testFiles, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	tok := tw.srv.SetupToken()
	if len(tok) != 43 {
		t.Fatalf("token %q", tok)
	}
	for _, q := range []string{"", "?token=", "?token=" + tok[:42], "?token=" + strings.Repeat("A", 43), "?token=" + tok + "A"} {
		if resp, _ := tw.get(t, "/-/setup"+q); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET /-/setup%s: %d, want 403", q, resp.StatusCode)
		}
	}
	resp, body := tw.get(t, "/-/setup?token="+tok)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("setup form: %d", resp.StatusCode)
	}
	for _, want := range []string{`name="token" value="` + tok + `"`, `name="username"`, `name="password"`, `name="password2"`,
		`autocomplete="new-password"`, "gitwiki user add NAME --maintainer --data " + tw.srv.auth.dataDir} {
		if !strings.Contains(body, want) {
			t.Errorf("setup form lacks %s", want)
		}
	}
	form := func(token, name, pw, pw2 string) url.Values {
		return url.Values{"token": {token}, "username": {name}, "password": {pw}, "password2": {pw2}}
	}
	if resp, _ := tw.post(t, "/-/setup", form("nope", "alice", alicePassword, alicePassword)); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
	if resp, body := tw.post(t, "/-/setup", form(tok, "alice", alicePassword, alicePassword+"x")); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "not the same") || !strings.Contains(body, `value="alice"`) {
		t.Fatalf("different passwords: %d", resp.StatusCode)
	}
	if resp, body := tw.post(t, "/-/setup", form(tok, "alice", "short", "short")); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "A password needs at least 10 characters.") {
		t.Fatalf("short password: %d\n%.800s", resp.StatusCode, body)
	}
	if resp, body := tw.post(t, "/-/setup", form(tok, "al ice", alicePassword, alicePassword)); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "A user name may only contain") {
		t.Fatalf("bad name: %d", resp.StatusCode)
	}
	if tw.srv.users.HasMaintainer() {
		t.Fatal("a refused form created an account")
	}

	resp, _ = tw.post(t, "/-/setup", form(tok, "alice", alicePassword, alicePassword))
	c := sessionFrom(resp)
	if resp.StatusCode != http.StatusSeeOther || c == nil {
		t.Fatalf("setup: %d, cookie %v", resp.StatusCode, c)
	}
	if u := tw.srv.users.List(); len(u) != 1 || u[0].Name != "alice" || !u[0].Maintainer {
		t.Fatalf("accounts after setup: %+v", u)
	}
	if _, body := tw.getAs(t, "/", c); !strings.Contains(body, "Maintainer <strong>alice</strong>") {
		t.Fatal("not logged in as a maintainer after setup")
	}
	// A used link says so (410 Gone), on GET and POST alike.
	for _, try := range []func() (*http.Response, string){
		func() (*http.Response, string) { return tw.get(t, "/-/setup?token="+tok) },
		func() (*http.Response, string) {
			return tw.post(t, "/-/setup", form(tok, "mallory", alicePassword, alicePassword))
		},
	} {
		resp, body := try()
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, "This setup link was already used") ||
			!strings.Contains(body, "ask a maintainer to make you one") {
			t.Fatalf("used setup link: %d, want 410 saying it was used\n%.600s", resp.StatusCode, body)
		}
	}
	if tw.srv.SetupToken() != "" || len(tw.srv.users.List()) != 1 {
		t.Fatal("token survived its use")
	}
	if strings.Contains(logs.String(), tok) || strings.Contains(logs.String(), alicePassword) {
		t.Fatalf("log has the token or the password:\n%s", logs.String())
	}
}

func TestSetupEndsWhenCLIAddsMaintainer(t *testing.T) {
	tw := MustServe(t, testFiles)
	tok := tw.srv.SetupToken()
	if tok == "" {
		t.Fatal("no setup token on a fresh data directory")
	}
	tw.MustAccounts(t) // as "gitwiki user add" in another process would
	if resp, _ := tw.get(t, "/-/setup?token="+tok); resp.StatusCode != http.StatusGone {
		t.Fatalf("setup after a maintainer exists: %d, want 410", resp.StatusCode)
	}
	if tw.srv.SetupToken() != "" {
		t.Fatal("token kept")
	}
}

func TestSecureCookie(t *testing.T) {
	tw := MustServe(t, testFiles, func(o *Options) { o.BaseURL = "https://wiki.example.org" })
	tw.MustAccounts(t)
	resp, _ := tw.post(t, "/-/login", url.Values{"username": {"bob"}, "password": {bobPassword}})
	if c := sessionFrom(resp); c == nil || !c.Secure || !c.HttpOnly {
		t.Fatalf("behind https: cookie %+v", c)
	}
	plain := MustServe(t, testFiles)
	r := httptest.NewRequest("POST", "https://wiki.example.org/-/login", nil) // sets r.TLS
	if !plain.srv.secure(r) {
		t.Fatal("TLS request without Secure cookies")
	}
}

func TestSessionCookieChecks(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	good := tw.MustSession(t, "alice")
	if _, body := tw.getAs(t, "/", good); !strings.Contains(body, "<strong>alice</strong>") {
		t.Fatal("valid session not recognised")
	}
	tampered := &http.Cookie{Name: sessionCookie, Value: good.Value[:len(good.Value)-2] + "AA"}
	if _, body := tw.getAs(t, "/", tampered); strings.Contains(body, "<strong>alice</strong>") {
		t.Fatal("tampered session accepted")
	}
	// A second cookie of the same name (tossed in from a sibling domain) is
	// not guessed between.
	req, _ := http.NewRequest(http.MethodGet, tw.ts.URL+"/", nil)
	req.Header.Set("Cookie", sessionCookie+"="+good.Value+"; "+sessionCookie+"="+tw.MustSession(t, "bob").Value)
	if _, body := tw.do(t, req); strings.Contains(body, "<strong>") && strings.Contains(body, "Log out") {
		t.Fatal("two session cookies: one was picked")
	}
	if err := tw.srv.users.Remove("alice"); err != nil {
		t.Fatal(err)
	}
	if _, body := tw.getAs(t, "/", good); strings.Contains(body, "<strong>alice</strong>") {
		t.Fatal("session of a removed account accepted")
	}
}

func TestAllowWrite(t *testing.T) {
	tw := MustServe(t, testFiles, func(o *Options) { o.WriteBurst, o.WritesPerHour = 3, 60 })
	tw.MustAccounts(t)
	req := func(addr string, c *http.Cookie) *http.Request {
		r := httptest.NewRequest("POST", "/-/edit/x", nil)
		r.RemoteAddr = addr
		if c != nil {
			r.AddCookie(c)
		}
		return r
	}
	for i := range 3 {
		if !tw.srv.allowWrite(req("192.0.2.1:1234", nil)) {
			t.Fatalf("write %d refused", i+1)
		}
	}
	if tw.srv.allowWrite(req("192.0.2.1:999", nil)) {
		t.Fatal("burst exceeded")
	}
	if tw.srv.allowWrite(req("192.0.2.1:999", tw.MustSession(t, "bob"))) {
		t.Fatal("a contributor is not limited")
	}
	if !tw.srv.allowWrite(req("192.0.2.2:1", nil)) {
		t.Fatal("another client shares the limit")
	}
	for range 10 {
		if !tw.srv.allowWrite(req("192.0.2.1:1", tw.MustSession(t, "alice"))) {
			t.Fatal("a maintainer was limited")
		}
	}
	// One write comes back per minute at 60 an hour.
	later := time.Now().Add(61 * time.Second)
	tw.srv.auth.writes.now = func() time.Time { return later }
	if !tw.srv.allowWrite(req("192.0.2.1:1", nil)) || tw.srv.allowWrite(req("192.0.2.1:1", nil)) {
		t.Fatal("refill is not one a minute")
	}
	// IPv6 clients are limited by /64.
	for range 3 {
		tw.srv.allowWrite(req("[2001:db8::1]:1", nil))
	}
	if tw.srv.allowWrite(req("[2001:db8::ffff:2]:1", nil)) {
		t.Fatal("a second address in the same /64 got its own limit")
	}
}

func TestClientIDHidesAddress(t *testing.T) {
	tw := MustServe(t, testFiles)
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "203.0.113.7:4444"
	id := tw.srv.clientID(r)
	if strings.Contains(id, "203.0.113.7") || len(id) != 16 {
		t.Fatalf("id %q", id)
	}
	r.RemoteAddr = "[::ffff:203.0.113.7]:1"
	if tw.srv.clientID(r) != id {
		t.Fatal("IPv4-mapped address has another id")
	}
	other := MustServe(t, testFiles)
	if other.srv.clientID(r) == id {
		t.Fatal("client ids are not keyed per process")
	}
}

func TestLimiterBounded(t *testing.T) {
	l := newLimiter(2, time.Minute, 100)
	now := time.Now()
	l.now = func() time.Time { return now }
	l.allow("hot")
	l.allow("hot")
	for i := range 1000 {
		l.allow(string(rune('a'+i%26)) + strings.Repeat("x", i/26))
		if l.size() > 100 {
			t.Fatalf("%d entries, want at most 100", l.size())
		}
	}
	if l.allow("hot") {
		t.Fatal("an exhausted key was forgotten before fuller ones")
	}
}

func TestHoneypot(t *testing.T) {
	tw := MustServe(t, testFiles)
	for _, tc := range []struct {
		body string
		want bool
	}{{"content=hi", false}, {"content=hi&" + honeypotField + "=", false}, {"content=hi&" + honeypotField + "=http%3A%2F%2Fspam", true}} {
		r := httptest.NewRequest("POST", "/-/edit/x", strings.NewReader(tc.body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if got := tw.srv.honeypotTripped(r); got != tc.want {
			t.Errorf("%q: got %v, want %v", tc.body, got, tc.want)
		}
	}
}

func TestNoSecretsInLogs(t *testing.T) {
	var buf strings.Builder
	tw := MustServe(t, testFiles, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&buf, nil)) })
	tw.MustAccounts(t)
	tw.post(t, "/-/login", url.Values{"username": {"alice"}, "password": {"a wrong password"}})
	resp, _ := tw.post(t, "/-/login", url.Values{"username": {"alice"}, "password": {alicePassword}})
	c := sessionFrom(resp)
	tw.post(t, "/-/logout", nil, c, "Sec-Fetch-Site", "cross-site")
	tw.post(t, "/-/logout", nil, c)
	logs := buf.String()
	if !strings.Contains(logs, "path=/-/login") {
		t.Fatalf("requests not logged:\n%s", logs)
	}
	for _, secret := range []string{"127.0.0.1", "::1", alicePassword, "a wrong password", c.Value} {
		if strings.Contains(logs, secret) {
			t.Errorf("log has %q:\n%s", secret, logs)
		}
	}
}
