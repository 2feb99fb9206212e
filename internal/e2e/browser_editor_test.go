package e2e

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBrowserEditor runs browser/editor.mjs: issue 12's editor in headless
// Chromium against the real binary and the starter wiki, as a maintainer
// (whose saves are published). The front matter is form fields and the
// text box the body; there is one preview, beside the text at 1280 px and
// below it at 390 px; an image pasted into the text is uploaded, its
// Markdown put at the cursor, shown in the preview, and stored by the save
// (a dropped one too); a heading's "Edit section" link opens that section.
// Afterwards C git checks what the server wrote.
func TestBrowserEditor(t *testing.T) {
	t.Parallel()
	dir, shots := requireBrowser(t)
	data := filepath.Join(t.TempDir(), "data")
	const password = "alice-browser-editor-pw"
	if stdout, stderr, code := runGitwikiInput(t, password+"\n", "user", "add", "alice", "--maintainer", "--data", data); code != 0 {
		t.Fatalf("gitwiki user add alice --maintainer: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	s := StartServer(t, "--data", data)
	out := runBrowserScript(t, dir, "editor.mjs", []string{"EDITOR_MAINTAINER=alice", "EDITOR_MAINTAINER_PASSWORD=" + password}, s.URL, shots)
	t.Logf("screenshots in %s", shots)

	result := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^RESULT (\w+)=(.*)$`).FindAllStringSubmatch(out, -1) {
		result[m[1]] = strings.TrimSpace(m[2])
	}
	file, md := result["attachment"], result["markdown"]
	if file == "" || md == "" {
		t.Fatalf("editor.mjs printed no RESULT attachment=… or markdown=…:\n%s", out)
	}
	// The image is a PNG in the repository, next to the page, in the
	// commit that put its Markdown in the page.
	tree := git(t, s.Repo, "ls-tree", "-r", "--name-only", "refs/heads/main")
	var path string
	for _, p := range strings.Split(tree, "\n") {
		if strings.HasSuffix("/"+p, file) {
			path = p
		}
	}
	if path == "" {
		t.Fatalf("no file in main ends with %s:\n%s", file, tree)
	}
	if blob := git(t, s.Repo, "cat-file", "-p", "refs/heads/main:"+path); !strings.HasPrefix(blob, "\x89PNG\r\n\x1a\n") {
		t.Errorf("%s is not a PNG: %q", path, trim(blob, 16))
	}
	if changed := git(t, s.Repo, "log", "-1", "--format=", "--name-only", "refs/heads/main"); !strings.Contains(changed, path) || !strings.Contains(changed, "Secure-messaging.md") {
		t.Errorf("the last commit changed %q, want the page and %s together", changed, path)
	}
	raw := s.mustGet(t, "/-/raw/Guides/Secure-messaging", http.StatusOK).String()
	if !strings.Contains(raw, md) || !strings.Contains(raw, "title: Secure messaging\n") || !strings.Contains(raw, "weight: 10\n") {
		t.Errorf("/-/raw/Guides/Secure-messaging lacks the image or its front matter:\n%s", trim(raw, 600))
	}
	gitFsck(t, s.Repo)
}
