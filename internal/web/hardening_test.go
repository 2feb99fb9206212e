package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
)

// TestBaseMustBePublished: an edit's base must be a version of the wiki (or
// of the proposal it revises), not any commit (hardening item 14).
func TestBaseMustBePublished(t *testing.T) {
	tw := MustServe(t, testFiles)
	ctx := context.Background()
	// Open one proposal so refs/meta/proposals exists.
	if resp, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# P\n\nOne.\n"}, "base": {mustHead(t, tw)}}); resp.StatusCode != 303 {
		t.Fatalf("first proposal: %d", resp.StatusCode)
	}
	meta, err := tw.repo.ResolveRef(ctx, review.MetaRef)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := tw.repo.Refs(ctx, review.BranchPrefix)
	resp, body := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# P\n\nTwo.\n"}, "base": {meta.String()}})
	if resp.StatusCode != 400 || !strings.Contains(body, "Two.") || !strings.Contains(body, "not part of this wiki") {
		t.Fatalf("edit on the records' commit: %d\n%s", resp.StatusCode, body)
	}
	if after, _ := tw.repo.Refs(ctx, review.BranchPrefix); len(after) != len(before) {
		t.Errorf("a proposal was opened on a foreign base: %d branches, had %d", len(after), len(before))
	}
}

// failingProposer stands for storage that refuses every write.
type failingProposer struct{}

var errDiskFull = errors.New("write objects: no space left on device")

func (failingProposer) Open(context.Context, *pages.Prepared) (int, string, error) {
	return 0, "", errDiskFull
}
func (failingProposer) OpenChange(context.Context, store.Hash, *pages.Change) (int, string, error) {
	return 0, "", errDiskFull
}
func (failingProposer) Revise(context.Context, int, string, bool, *pages.Prepared) (*pages.Result, error) {
	return nil, errDiskFull
}
func (failingProposer) Head(context.Context, int) (store.Hash, error) {
	return store.ZeroHash, errDiskFull
}

// TestStorageFailureKeepsText: when saving fails on our side, the editor
// comes back with the person's text (hardening item 15).
func TestStorageFailureKeepsText(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.srv.pages.SetProposer(failingProposer{})
	text := "# Passwords\n\nA long careful text that must not be lost.\n"
	resp, body := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {text}, "base": {mustHead(t, tw)}, "summary": {"careful"}})
	if resp.StatusCode != 500 || !strings.Contains(body, "A long careful text that must not be lost.") || !strings.Contains(body, `value="careful"`) {
		t.Fatalf("got %d without the text:\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(body, "kept below") {
		t.Errorf("the editor does not say the text is kept:\n%s", body)
	}
}

// TestBadPreviewBodies: an oversized or malformed preview is a 4xx with a
// sentence, not an empty 200 (hardening item 16).
func TestBadPreviewBodies(t *testing.T) {
	tw := MustServe(t, testFiles)
	big := url.Values{"content": {strings.Repeat("a", 3<<20)}}
	if resp, body := tw.post(t, "/-/preview", big); resp.StatusCode != 413 || !strings.Contains(body, "larger") {
		t.Errorf("oversized preview: %d\n%.300s", resp.StatusCode, body)
	}
	// Bad chunked encoding, written by hand.
	conn, err := net.Dial("tcp", strings.TrimPrefix(tw.ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST /-/preview HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\ncontent=a\r\n0\r\n\r\n")
	buf := make([]byte, 64)
	n, _ := conn.Read(buf)
	if line := string(buf[:n]); !strings.HasPrefix(line, "HTTP/1.1 400") {
		t.Errorf("bad chunked preview answered %q", line)
	}
}

// TestOddNamesInRecent: a commit touching a file whose name has a newline
// or other bytes no route would match does not break recent changes or the
// feed (hardening item 11).
func TestOddNamesInRecent(t *testing.T) {
	tw := MustServe(t, testFiles)
	ctx := context.Background()
	head, _ := tw.repo.Head(ctx)
	sig := store.Signature{Name: "pusher", Email: "p@x", When: time.Now()}
	c, err := tw.repo.WriteCommit(ctx, head, []store.FileWrite{
		{Path: "odd\nname.md", Content: []byte("# Odd\n")},
		{Path: "tab\tname.png", Content: []byte("x")},
	}, store.CommitInfo{Author: sig, Committer: sig, Message: "odd names"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.repo.UpdateRef(ctx, "refs/heads/main", c, head); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/-/recent", "/-/feed.atom", "/-/pages", "/"} {
		if resp, body := tw.get(t, p); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d\n%.500s", p, resp.StatusCode, body)
		}
	}
}

// TestSettingsNotServed: wiki.yaml holds settings, not content, and is not
// published (hardening item 23).
func TestSettingsNotServed(t *testing.T) {
	tw := MustServe(t, testFiles)
	if resp, _ := tw.get(t, "/wiki.yaml"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/wiki.yaml: %d, want 404", resp.StatusCode)
	}
}

// TestPreviewWarnsOfRemoteLoads: the editor says when a text would load
// from other hosts (hardening item 8).
func TestPreviewWarnsOfRemoteLoads(t *testing.T) {
	tw := MustServe(t, testFiles)
	_, body := tw.post(t, "/-/preview", url.Values{"content": {"![x](https://tracker.example.com/p.gif)\n"}})
	if !strings.Contains(body, "tracker.example.com") || !strings.Contains(body, `class="warning"`) {
		t.Errorf("no warning:\n%s", body)
	}
}

// TestAnonymousCannotPassForAnAccount: a name typed without an account is
// marked as not verified wherever authors are shown, and an account's edit
// carries the account's identity (hardening item 7).
func TestAnonymousCannotPassForAnAccount(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.MustAccounts(t)
	ctx := context.Background()
	base := mustHead(t, tw)
	resp, _ := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# Passwords\n\nBy someone.\n"}, "base": {base}, "name": {"alice"}})
	if resp.StatusCode != 303 {
		t.Fatalf("anonymous proposal: %d", resp.StatusCode)
	}
	_, _, body := tw.getRevise(t, resp.Header.Get("Location"))
	if !strings.Contains(body, "alice") || !strings.Contains(body, "(not verified)") {
		t.Errorf("the proposal page does not mark the typed name:\n%s", body)
	}
	if resp, body := tw.post(t, "/-/edit/Guides/Passwords", url.Values{"content": {"# P\n"}, "base": {base}, "email": {"alice@accounts.invalid"}}); resp.StatusCode != 400 {
		t.Errorf("an account's address typed anonymously: %d\n%.300s", resp.StatusCode, body)
	}
	// alice herself, logged in, typing another name: the edit is hers.
	resp, _ = tw.post(t, "/-/edit/Guides/Backups", url.Values{"content": {"# Backups\n\nBy alice.\n"}, "base": {base}, "name": {"Somebody else"}}, tw.MustSession(t, "alice"))
	if resp.StatusCode != 303 {
		t.Fatalf("maintainer edit: %d", resp.StatusCode)
	}
	head, _ := tw.repo.Head(ctx)
	c, _ := tw.repo.Commit(ctx, head)
	if c.Author.Name != "alice" || c.Author.Email != "alice@accounts.invalid" {
		t.Errorf("maintainer edit authored by %s <%s>", c.Author.Name, c.Author.Email)
	}
	_, hist := tw.get(t, "/-/history/Guides/Backups")
	if !strings.Contains(hist, `<td class="history-author">alice</td>`) {
		t.Errorf("alice's own edit is not shown as hers, unmarked:\n%s", hist)
	}
}

// TestSlowReadersBounded: readers that do not read hold the files being
// sent to them; past the budget, others are asked to come back rather than
// the server holding ever more (hardening item 4).
func TestSlowReadersBounded(t *testing.T) {
	big := make([]byte, 24<<20)
	copy(big, "\x89PNG\r\n\x1a\n")
	files := map[string]string{"index.md": "# Home\n", "big.png": string(big)}
	tw := MustServe(t, files)
	tw.srv.sendBudget, tw.srv.sendWait = semaphore.NewWeighted(30<<20), 200*time.Millisecond
	// A slow reader: asks, then reads nothing.
	conn, err := net.Dial("tcp", strings.TrimPrefix(tw.ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /big.png HTTP/1.1\r\nHost: x\r\n\r\n")
	// Until it has started, the budget is free; wait for the hold.
	for tw.srv.sendBudget.TryAcquire(8 << 20) {
		tw.srv.sendBudget.Release(8 << 20)
		time.Sleep(10 * time.Millisecond)
	}
	if resp, _ := tw.get(t, "/big.png"); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a second large download while the first is held: %d", resp.StatusCode)
	}
	// Small files still pass.
	if resp, _ := tw.get(t, "/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("a page during the hold: %d", resp.StatusCode)
	}
	conn.Close()
	deadline := time.Now().Add(30 * time.Second)
	for !tw.srv.sendBudget.TryAcquire(30 << 20) {
		if time.Now().After(deadline) {
			t.Fatal("the budget was not given back after the reader left")
		}
		time.Sleep(10 * time.Millisecond)
	}
	tw.srv.sendBudget.Release(30 << 20)
}

// TestPreviewBounded: previews are limited per client like writes, and a
// pathological text renders as text in the bounded pool instead of taking
// the server's CPU (hardening item 3).
func TestPreviewBounded(t *testing.T) {
	tw := MustServe(t, testFiles)
	bomb := strings.Repeat("[](", 80000) // 240 KB; goldmark alone is quadratic on it
	resp, body := tw.post(t, "/-/preview", url.Values{"content": {bomb}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "[](") {
		t.Fatalf("pathological preview: %d, %d bytes", resp.StatusCode, len(body))
	}
	for i := 1; i < previewBurst; i++ {
		if resp, _ := tw.post(t, "/-/preview", url.Values{"content": {"hello"}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("preview %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp, _ := tw.post(t, "/-/preview", url.Values{"content": {"hello"}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("preview past the limit: %d, want 429", resp.StatusCode)
	}
	// Maintainers are not limited.
	tw.MustAccounts(t)
	if resp, _ := tw.post(t, "/-/preview", url.Values{"content": {"hello"}}, tw.MustSession(t, "alice")); resp.StatusCode != http.StatusOK {
		t.Fatalf("a maintainer's preview: %d", resp.StatusCode)
	}
}
