package search

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// searchJS is the theme's offline search, which the parity tests run.
const searchJS = "../../themes/default/static/search.js"

// requireNode finds Node, which the parity tests run search.js with. They
// skip without it, except in CI (CI=true), where .ci/run installs it.
func requireNode(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("node is missing and CI=true")
		}
		tb.Skip("node is not installed: the offline search parity tests need it")
	}
	return p
}

// exportTo writes the offline index of w's head to a new folder.
func exportTo(tb testing.TB, w *wiki) (dir string, ex *Export) {
	tb.Helper()
	st, err := w.loader.At(ctx, w.head())
	if err != nil {
		tb.Fatal(err)
	}
	var docs []ExportDoc
	for _, p := range st.Pages() {
		if Indexed(p) {
			docs = append(docs, ExportDoc{Page: p, URL: "../../" + string(p.Name) + "/"})
		}
	}
	ex, err = ExportIndex(ctx, st, docs)
	if err != nil {
		tb.Fatalf("ExportIndex: %v", err)
	}
	dir = tb.TempDir()
	for name, b := range ex.Files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir, ex
}

// runEngine sends requests to testdata/engine.mjs, running search.js on
// the index in dir, and returns its answers, one per request.
func runEngine(tb testing.TB, dir, main string, reqs ...any) []json.RawMessage {
	tb.Helper()
	node := requireNode(tb)
	var in bytes.Buffer
	for _, r := range reqs {
		b, err := json.Marshal(r)
		if err != nil {
			tb.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	cmd := exec.Command(node, "testdata/engine.mjs", searchJS, dir, main)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("node engine.mjs: %v\n%s", err, stderr.String())
	}
	var res []json.RawMessage
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		res = append(res, json.RawMessage(line))
	}
	if len(res) != len(reqs) {
		tb.Fatalf("engine.mjs answered %d times to %d requests:\n%s\n%s", len(res), len(reqs), out, stderr.String())
	}
	return res
}
