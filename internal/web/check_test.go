package web

import (
	"net/http"
	"strings"
	"testing"
)

func TestCheckPage(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	if resp, _ := tw.get(t, "/-/check"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("anonymous /-/check: %d, want 403", resp.StatusCode)
	}
	alice := tw.MustSession(t, "alice")
	resp, body := tw.getAs(t, "/-/check", alice)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/-/check: %d", resp.StatusCode)
	}
	// index.md links to [[Nowhere]]; Broken.md's front matter does not parse.
	for _, want := range []string{"index.md</a>:3</code> link to [[Nowhere]]: no such page", "Broken.md</a></code>", "Nowhere.md</code> warning"} {
		if !strings.Contains(body, want) && !strings.Contains(body, strings.TrimSuffix(want, " warning")) {
			t.Errorf("report lacks %q:\n%s", want, body)
		}
	}
	// A maintainer who reads Spanish gets the report in Spanish.
	_, es := tw.getAs(t, "/-/check", alice, "Accept-Language", "es")
	if !strings.Contains(es, "index.md</a>:3</code> enlace a [[Nowhere]]: no existe esa página") || !strings.Contains(es, "página deseada: 1 página enlaza a ella (index.md)") {
		t.Errorf("the Spanish report is not in Spanish:\n%s", excerptAround(es, "check-list"))
	}
	_, home := tw.getAs(t, "/", alice)
	if !strings.Contains(home, `href="/-/check"`) {
		t.Error("the sidebar has no link to the report for maintainers")
	}
	if _, anon := tw.get(t, "/"); strings.Contains(anon, `href="/-/check"`) {
		t.Error("anonymous readers see the report link")
	}
}
