package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromiumPath is the Debian package's browser: playwright-core drives it,
// and never downloads a browser of its own.
const chromiumPath = "/usr/bin/chromium"

// TestBrowser runs browser/browser.mjs against the starter wiki in headless
// Chromium: script errors, third-party requests, table of contents,
// navigation, skip link, landmarks, phone width, dark scheme and no-JS use.
// Screenshots go to $GITWIKI_ARTIFACTS, else to .ci/artifacts/ (gitignored),
// for a human to look at. Without Chromium or Node the test skips locally
// and fails in CI, where .ci/run installs both.
func TestBrowser(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromiumPath); err != nil {
		if inCI() {
			t.Fatalf("%s is missing and CI=true: .ci/run should have installed the chromium package", chromiumPath)
		}
		t.Skipf("%s is missing: install the Debian package chromium to run the browser checks", chromiumPath)
	}
	node := requireTool(t, "node")
	root := moduleRoot(t)
	dir := filepath.Join(root, "internal", "e2e", "browser")

	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		npm := requireTool(t, "npm")
		t.Logf("installing playwright-core: npm ci in %s", dir)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		// playwright-core downloads nothing on install; this makes sure of it.
		cmd.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}

	shots := os.Getenv("GITWIKI_ARTIFACTS")
	if shots == "" {
		shots = filepath.Join(root, ".ci", "artifacts")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	s := StartServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "browser.mjs", s.URL, shots)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "CHROMIUM_PATH="+chromiumPath)
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		t.Fatalf("node browser.mjs %s: %v\n%s", s.URL, err, out.String())
	}
	// One line per check: shown with -v, and kept short otherwise.
	t.Log("\n" + out.String())
	if !strings.Contains(out.String(), "PASS ") {
		t.Fatalf("browser.mjs exited 0 but ran no check:\n%s", out.String())
	}
	t.Logf("screenshots in %s", shots)
}
