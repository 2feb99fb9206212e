package e2e

import "testing"

// TestBrowser runs browser/browser.mjs against the starter wiki in headless
// Chromium: script errors, third-party requests, table of contents,
// navigation, skip link, landmarks, phone width, dark scheme and no-JS use.
// Screenshots go to $GITWIKI_ARTIFACTS, else to .ci/artifacts/ (gitignored),
// for a human to look at. Without Chromium or Node the test skips locally
// and fails in CI, where .ci/run installs both.
func TestBrowser(t *testing.T) {
	t.Parallel()
	dir, shots := requireBrowser(t)
	s := StartServer(t)
	runBrowserScript(t, dir, "browser.mjs", nil, s.URL, shots)
	t.Logf("screenshots in %s", shots)
}
