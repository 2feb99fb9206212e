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

// requireBrowser makes sure Chromium, Node and playwright-core are there
// (running npm ci in browser/ when its node_modules are missing) and returns
// the scripts' folder and where screenshots go: $GITWIKI_ARTIFACTS, else
// .ci/artifacts/ (gitignored). Without Chromium or Node the test skips
// locally and fails in CI, where .ci/run installs both.
func requireBrowser(tb testing.TB) (dir, shots string) {
	tb.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if inCI() {
			tb.Fatalf("%s is missing and CI=true: .ci/run should have installed the chromium package", chromiumPath)
		}
		tb.Skipf("%s is missing: install the Debian package chromium to run the browser checks", chromiumPath)
	}
	requireTool(tb, "node")
	root := moduleRoot(tb)
	dir = filepath.Join(root, "internal", "e2e", "browser")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		npm := requireTool(tb, "npm")
		tb.Logf("installing playwright-core: npm ci in %s", dir)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		// playwright-core downloads nothing on install; this makes sure of it.
		cmd.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	shots = os.Getenv("GITWIKI_ARTIFACTS")
	if shots == "" {
		shots = filepath.Join(root, ".ci", "artifacts")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir, shots
}

// runBrowserScript runs one of the browser/ scripts with Node, giving it the
// browser's path and env, and fails the test when the script fails or ran
// no check. It returns what the script printed: one line per check.
func runBrowserScript(tb testing.TB, dir, script string, env []string, args ...string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, requireTool(tb, "node"), append([]string{script}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(append(cleanEnv(), "CHROMIUM_PATH="+chromiumPath), env...)
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		tb.Fatalf("node %s %s: %v\n%s", script, strings.Join(args, " "), err, out.String())
	}
	tb.Log("\n" + out.String())
	if !strings.Contains(out.String(), "PASS ") {
		tb.Fatalf("%s exited 0 but ran no check:\n%s", script, out.String())
	}
	return out.String()
}
