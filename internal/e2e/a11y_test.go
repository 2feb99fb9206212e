package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// activity is the starter page with a task list, code blocks and a table
// too wide for a phone: what a reader's keyboard and screen reader must get
// through.
const activity = "/Facilitation/Device-check-up-clinic"

// TestAccessibility runs browser/axe.mjs: axe-core in Chromium on the pages
// issue 12 names (the home page, an activity, the editor, search with a
// query, a page's history, a diff, a proposal opened through the web form,
// the 404 page), and a few more (the proposal as its maintainer sees it,
// the page list, recent changes, the login page, a used setup link), at 390
// and 1280 px, in the light and dark colour schemes. Any violation fails
// the test. The starter wiki gets a second commit first, made with C git
// and pushed, so history and the diff have something to show.
func TestAccessibility(t *testing.T) {
	// Not parallel: go test runs it before the parallel tests start, so its
	// Chromium does not share the two cores with theirs (a loaded machine
	// made their screenshots time out).
	dir, shots := requireBrowser(t)
	s, from, to := startEditedStarter(t)
	diff := "/-/diff" + activity + "?from=" + from + "&to=" + to
	runBrowserScript(t, dir, "axe.mjs", []string{"AXE_USER=mara", "AXE_PASSWORD=" + maraPassword}, s.URL, shots,
		"home=/",
		"activity="+activity,
		"editor=/-/edit"+activity,
		"search=/-/search?q=backup",
		"history=/-/history"+activity,
		"diff="+diff,
		"proposal=/Glossary,propose",
		"proposal-maintainer=/-/proposals/1,login",
		"editor-maintainer=/-/edit"+activity+",login",
		"pages=/-/pages",
		"recent=/-/recent",
		"login=/-/login",
		"setup-used=/-/setup?token=used,status=410",
		"not-found=/No-such-page,status=404",
	)
}

const maraPassword = "mara-accessibility-pw"

// deepPage is a page whose breadcrumb trail wraps on a phone.
const deepPage = "/Facilitation/Longer-programmes-for-returning-participants/Second-day-checklist"

// TestSmallThings runs browser/small.mjs, the small things of issue 12
// (item 5) that only a browser shows: the one-row phone header and its
// search field, breadcrumbs that wrap without a dangling separator, the
// unified diff with two line-number columns on a phone, the printed page's
// address and its links, the Log in link that returns to the page, and the
// private revise link that leaves no token in the address bar or history
// (typed, and clicked on another site).
func TestSmallThings(t *testing.T) {
	// Not parallel: go test runs it before the parallel tests start, so its
	// Chromium does not share the two cores with theirs (a loaded machine
	// made their screenshots time out).
	dir, shots := requireBrowser(t)
	s, from, to := startEditedStarter(t)
	runBrowserScript(t, dir, "small.mjs", []string{"SMALL_USER=mara", "SMALL_PASSWORD=" + maraPassword}, s.URL, shots,
		"page="+activity,
		"deep="+deepPage,
		"diff=/-/diff"+activity+"?from="+from+"&to="+to,
		"print=/Guides/Backups",
		"propose=/Glossary",
	)
}

// startEditedStarter serves the starter wiki with a maintainer, mara, and a
// second commit to the activity (a line changed, one removed, one added)
// that also adds deepPage, pushed with C git; it returns the server and the
// two commits.
func startEditedStarter(t *testing.T) (s *Server, from, to string) {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	if out, errs, code := runGitwikiInput(t, maraPassword+"\n", "user", "add", "mara", "--maintainer", "--data", data); code != 0 {
		t.Fatalf("gitwiki user add mara: exit %d\n%s%s", code, out, errs)
	}
	s = StartServer(t, "--data", data)
	work := filepath.Join(t.TempDir(), "work")
	git(t, t.TempDir(), "clone", "-q", s.Repo, work)
	from = git(t, work, "rev-parse", "HEAD")
	file := filepath.Join(work, filepath.FromSlash(strings.TrimPrefix(activity, "/")+".md"))
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, edit := range [][2]string{
		{"90 minutes to 2 hours.", "Two hours, or 90 minutes for a small group."},
		{"- A whiteboard for questions that several people have\n", ""},
		{"## Closing\n", "## Closing\n\nKeep the last ten minutes free of new settings.\n"},
	} {
		if !strings.Contains(text, edit[0]) {
			t.Fatalf("%s no longer holds %q", activity, edit[0])
		}
		text = strings.Replace(text, edit[0], edit[1], 1)
	}
	writeFiles(t, work, map[string]string{
		filepath.ToSlash(strings.TrimPrefix(activity, "/") + ".md"): text,
		strings.TrimPrefix(deepPage, "/") + ".md":                   "---\ntitle: Second-day checklist for facilitators\n---\nWhat to prepare before the second day.\n",
	})
	to = commitAll(t, work, "Shorter clinic, a closing note")
	git(t, work, "push", "-q", "origin", "HEAD")
	waitFor(t, time.Minute, "the server to show the pushed commit", func() (bool, string) {
		r := s.get(t, "/-/health")
		return strings.Contains(r.String(), `"revision":"`+to+`"`), r.String()
	})
	return s, from, to
}
