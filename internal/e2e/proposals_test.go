package e2e

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBrowserProposals runs browser/proposals.mjs: credit for merged
// proposals and proposals in sight (issue 12, items 1 and 2) in headless
// Chromium, against the real binary serving the starter wiki under the
// default `review` policy. Ana, anonymous, proposes a change to three lines
// of a page; Ben, in a browser of his own, is told on the page and in the
// editor that her proposal is open, and proposes other text for the same
// lines; each proposal names the other. A maintainer sees the count in the
// header and merges Ben's; Ana's proposal page then says, before any merge
// attempt, that it no longer merges cleanly. The maintainer, with JavaScript
// off, answers the three conflicting blocks with three different choices and
// merges; the page shows the resolved text and credits Ana, reviewed by the
// maintainer, and its history lists her own commit. Each step fails on
// script errors and on requests to other hosts, and leaves a screenshot in
// $GITWIKI_ARTIFACTS (else .ci/artifacts). Afterwards C git checks what the
// server wrote: the merges, their Co-authored-by trailers, the resolved file.
func TestBrowserProposals(t *testing.T) {
	t.Parallel()
	dir, shots := requireBrowser(t)

	data := filepath.Join(t.TempDir(), "data")
	const password = "alice-browser-proposals-pw"
	stdout, stderr, code := runGitwikiInput(t, password+"\n", "user", "add", "alice", "--maintainer", "--data", data)
	if code != 0 || !strings.Contains(stdout, "Added maintainer alice") {
		t.Fatalf("gitwiki user add alice --maintainer: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	s := StartServer(t, "--data", data)
	mainBefore := git(t, s.Repo, "rev-parse", "refs/heads/main")

	out := runBrowserScript(t, dir, "proposals.mjs", []string{
		"PROPOSALS_MAINTAINER=alice", "PROPOSALS_MAINTAINER_PASSWORD=" + password,
	}, s.URL, shots)
	t.Logf("screenshots in %s", shots)

	result := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^RESULT (\w+)=(.*)$`).FindAllStringSubmatch(out, -1) {
		result[m[1]] = strings.TrimSpace(m[2])
	}
	for _, k := range []string{"proposalA", "proposalB", "file", "line0", "line1", "line2"} {
		if result[k] == "" {
			t.Fatalf("proposals.mjs printed no RESULT %s=…:\n%s", k, out)
		}
	}
	// The file as it should be: the starter text with the three lines the
	// maintainer resolved replaced by what each choice gives.
	file := result["file"]
	resolved := git(t, s.Repo, "show", mainBefore+":"+file) + "\n"
	for _, k := range []string{"line0", "line1", "line2"} {
		var l struct{ From, To string }
		if err := json.Unmarshal([]byte(result[k]), &l); err != nil || l.From == "" {
			t.Fatalf("RESULT %s=%s: %v", k, result[k], err)
		}
		if n := strings.Count(resolved, "\n"+l.From+"\n"); n != 1 {
			t.Fatalf("%s holds the line %q %d times at the start, want once", file, l.From, n)
		}
		resolved = strings.Replace(resolved, "\n"+l.From+"\n", "\n"+l.To+"\n", 1)
	}

	// main is Ana's merge on top of Ben's, each a merge commit whose second
	// parent is the proposal's branch, by the maintainer, crediting the
	// proposal's author in a trailer C git reads.
	for i, p := range []struct{ id, author string }{{result["proposalA"], "Ana Example"}, {result["proposalB"], "Ben Example"}} {
		rev := "refs/heads/main"
		if i == 1 {
			rev += "^1"
		}
		branch := "refs/heads/proposals/" + p.id
		head := git(t, s.Repo, "rev-parse", branch)
		parents := strings.Fields(git(t, s.Repo, "log", "-1", "--format=%P", rev))
		if len(parents) != 2 || parents[1] != head {
			t.Errorf("%s has parents %v, want a merge of %s (%s)", rev, parents, branch, head)
		}
		if a := git(t, s.Repo, "log", "-1", "--format=%an", rev); a != "alice" {
			t.Errorf("%s is by %q, want the maintainer alice", rev, a)
		}
		co := git(t, s.Repo, "log", "-1", "--format=%(trailers:key=Co-authored-by,valueonly)", rev)
		if !strings.HasPrefix(co, p.author+" <") || strings.Count(co, "\n") != 0 {
			t.Errorf("%s credits %q in Co-authored-by, want %s alone", rev, co, p.author)
		}
		if a := git(t, s.Repo, "log", "-1", "--format=%an", head); a != p.author {
			t.Errorf("%s's commit is by %q, want the pseudonym %s", branch, a, p.author)
		}
	}
	if got := git(t, s.Repo, "rev-parse", "refs/heads/main^1^1"); got != mainBefore {
		t.Errorf("main's first parents are not the two merges on top of %s: main^1^1 is %s", mainBefore, got)
	}

	if got := git(t, s.Repo, "show", "refs/heads/main:"+file) + "\n"; got != resolved {
		t.Errorf("%s on main is not the text chosen block by block:\n%s\nwant:\n%s", file, trim(got, 3000), trim(resolved, 3000))
	}
	if raw := s.mustGet(t, "/-/raw/Guides/Secure-messaging", http.StatusOK).String(); raw != resolved {
		t.Errorf("/-/raw/Guides/Secure-messaging is not the resolved text:\n%s", trim(raw, 3000))
	}
	gitFsck(t, s.Repo)
}
