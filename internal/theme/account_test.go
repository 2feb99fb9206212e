package theme

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// accountLinks is a server whose accounts are on: it has the login, logout
// and setup actions the other fake modes leave out.
type accountLinks struct{ *fakeLinks }

func (a accountLinks) Action(act Action, p wikipath.Page) string {
	name := string(act)
	switch name {
	case "login", "logout", "setup":
		return a.rec("/-/" + name)
	}
	return a.fakeLinks.Action(act, p)
}

var (
	inputTag = regexp.MustCompile(`<input\b[^>]*>`)
	idAttr   = regexp.MustCompile(`\sid="([^"]+)"`)
	typeAttr = regexp.MustCompile(`\stype="([^"]+)"`)
)

func TestAccountViews(t *testing.T) {
	th := MustLoadDefault(t)
	l := accountLinks{newFakeLinks("server")}
	login := &LoginView{Base: sampleBase(l, "Log in"), Username: "alice", Next: "/Guides/Backups", Error: "Wrong name or password."}
	setup := &SetupView{Base: sampleBase(l, "Create the first maintainer"), Token: "tok-123", Username: "alice",
		Error: "A password needs at least 10 characters.", Command: "gitwiki user add NAME --maintainer --data data"}
	cases := []struct {
		view string
		data any
		want []string
	}{
		{"login", login, []string{`<form class="form" method="post" action="/-/login">`, `name="next" value="/Guides/Backups"`,
			`name="username" value="alice"`, `autocomplete="username"`, `autocomplete="current-password"`, `role="alert"`,
			"Wrong name or password.", `href="/-/login"`}},
		{"setup", setup, []string{`action="/-/setup"`, `name="token" value="tok-123"`, `name="password2"`,
			`autocomplete="new-password"`, "A password needs at least 10 characters.", "gitwiki user add NAME --maintainer --data data"}},
	}
	for _, tc := range cases {
		t.Run(tc.view, func(t *testing.T) {
			out := mustExecute(t, th, tc.view, tc.data)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			if m := styleAttr.FindString(out); m != "" {
				t.Errorf("inline style attribute: %q", m)
			}
			if m := handlerAttr.FindString(out); m != "" {
				t.Errorf("inline event handler: %q", m)
			}
			for _, u := range hrefs(out) {
				if !strings.HasPrefix(u, "#") && !l.urls[u] && u != licenseURL {
					t.Errorf("URL %q did not come from Links", u)
				}
			}
			// Every visible input has a label.
			for _, in := range inputTag.FindAllString(out, -1) {
				if ty := typeAttr.FindStringSubmatch(in); ty != nil && ty[1] == "hidden" {
					continue
				}
				id := idAttr.FindStringSubmatch(in)
				if id == nil || !strings.Contains(out, `<label for="`+id[1]+`"`) && !strings.Contains(out, `<label class="visually-hidden" for="`+id[1]+`"`) {
					t.Errorf("input without a label: %s", in)
				}
			}
			if strings.Contains(out, `type="password"`) && strings.Contains(out, `type="password" value=`) {
				t.Error("a password field carries a value")
			}
		})
	}
}

func TestHeaderAccount(t *testing.T) {
	th := MustLoadDefault(t)
	l := accountLinks{newFakeLinks("server")}
	v := &SearchView{Base: sampleBase(l, "Search")}
	out := mustExecute(t, th, "search", v)
	if !strings.Contains(out, `<a class="site-account site-login" href="/-/login" rel="nofollow">`) || !strings.Contains(out, `<span>Log in</span></a>`) || strings.Contains(out, "Log out") {
		t.Error("anonymous header lacks Log in")
	}
	v.User, v.Maintainer = "alice", true
	out = mustExecute(t, th, "search", v)
	for _, w := range []string{`<form class="site-account" method="post" action="/-/logout">`, `Maintainer <strong>alice</strong>`, `type="submit">Log out</button>`} {
		if !strings.Contains(out, w) {
			t.Errorf("logged-in header lacks %q", w)
		}
	}
	if strings.Contains(out, `href="/-/login"`) {
		t.Error("logged-in header offers Log in")
	}
	// Without account actions (the static export) neither shows.
	v.Links = newFakeLinks("static")
	if out := mustExecute(t, th, "search", v); strings.Contains(out, "site-account") {
		t.Error("account controls shown where accounts do not exist")
	}
}
