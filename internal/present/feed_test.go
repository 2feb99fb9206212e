package present

import "testing"

func TestSafeHref(t *testing.T) {
	for in, want := range map[string]string{
		"javascript:alert(1)/index.html": "./javascript:alert(1)/index.html",
		"JavaScript:x":                   "./JavaScript:x",
		"data:text/html,x":               "./data:text/html,x",
		"https://wiki.example.org/a":     "https://wiki.example.org/a",
		"urn:gitwiki:feed:1":             "urn:gitwiki:feed:1",
		"Guides/index.html":              "Guides/index.html",
		"a/b:c/index.html":               "a/b:c/index.html",
		"":                               "",
	} {
		if got := safeHref(in); got != want {
			t.Errorf("safeHref(%q) = %q, want %q", in, got, want)
		}
	}
}
