package smarthttp

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/pktline"

	"github.com/gitwiki/gitwiki/internal/store"
)

// fastImport appends n commits on main with C git's fast-import, each
// changing one of a few pages.
func fastImport(tb testing.TB, r *store.Repo, n int) {
	tb.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "commit refs/heads/main\ncommitter t <t@example.org> %d +0000\ndata <<EOF\nc%d\nEOF\n", 1767225600+i, i)
		if i == 0 {
			b.WriteString("from refs/heads/main^0\n")
		}
		fmt.Fprintf(&b, "M 100644 inline p%d.md\ndata <<EOF\nversion %d\nEOF\n\n", i%7, i)
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = r.GitDir()
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("fast-import: %v\n%s", err, out)
	}
}

// uploadRequestBody is a clone request for wants, with haves, ending in done.
func uploadRequestBody(wants, haves []string) *bytes.Buffer {
	var req bytes.Buffer
	pe := pktline.NewEncoder(&req)
	for i, w := range wants {
		if i == 0 {
			pe.Encodef("want %s multi_ack_detailed side-band-64k ofs-delta no-progress\n", w)
		} else {
			pe.Encodef("want %s\n", w)
		}
	}
	pe.Flush()
	for _, h := range haves {
		pe.Encodef("have %s\n", h)
	}
	pe.Encodef("done\n")
	return &req
}

// TestUploadPackWorkIsBounded: a request naming thousands of commits that
// are not tips costs one walk of the history, not one per want (this once
// cost 13.6 ms per want on 3,000 commits), and the caps on wants, haves
// and work answer with a reason git shows. Work is counted in objects
// visited, never timed.
func TestUploadPackWorkIsBounded(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	fastImport(t, r, 3000)
	revs := strings.Fields(gitCmd(t, r.GitDir(), "rev-list", "main"))
	objects := len(strings.Split(gitCmd(t, r.GitDir(), "rev-list", "--objects", "--all"), "\n"))
	// Every commit but the tip, oldest first, so a walk per want would
	// cover most of the history each time.
	var wants []string
	for i := len(revs) - 1; i >= 1; i-- {
		wants = append(wants, revs[i])
	}

	var work int
	srv := New(r, Options{})
	srv.observe = func(n int) { work = n }
	var out bytes.Buffer
	if err := srv.UploadPack(ctx, uploadRequestBody(wants, nil), &out); err != nil {
		t.Fatalf("upload-pack: %v %.200q", err, out.String())
	}
	if !bytes.Contains(out.Bytes(), []byte("PACK")) {
		t.Fatalf("no pack: %.200q", out.String())
	}
	// One walk to check the wants, one to list what to send, which reads
	// every entry of every tree: a few visits per object. A walk per want
	// would be about wants × commits / 2, some four million.
	if limit := 5 * objects; work > limit {
		t.Fatalf("%d wants cost %d objects visited; the repository has %d objects (limit %d)", len(wants), work, objects, limit)
	}

	refused := func(t *testing.T, opts Options, body *bytes.Buffer, want string) {
		t.Helper()
		var out bytes.Buffer
		err := New(r, opts).UploadPack(ctx, body, &out)
		if !errors.Is(err, ErrProtocol) || !strings.HasPrefix(out.String(), "00") || !strings.Contains(out.String(), "ERR ") ||
			!strings.Contains(out.String(), want) {
			t.Fatalf("got %v, %.200q; want ERR with %q", err, out.String(), want)
		}
	}
	t.Run("too many wants", func(t *testing.T) {
		refused(t, Options{MaxWants: 100}, uploadRequestBody(wants, nil), "too many wants")
	})
	t.Run("duplicate wants count once", func(t *testing.T) {
		same := make([]string, 5000)
		for i := range same {
			same[i] = revs[0]
		}
		var out bytes.Buffer
		if err := New(r, Options{MaxWants: 1}).UploadPack(ctx, uploadRequestBody(same, revs[1:2]), &out); err != nil {
			t.Fatalf("upload-pack: %v %.200q", err, out.String())
		}
	})
	t.Run("too many haves", func(t *testing.T) {
		refused(t, Options{MaxHaves: 10}, uploadRequestBody(revs[:1], revs[1:20]), "too many haves")
	})
	t.Run("too much work", func(t *testing.T) {
		refused(t, Options{MaxWork: 1000}, uploadRequestBody(revs[:1], nil), "more than 1000 objects")
	})
	t.Run("git shows the reason", func(t *testing.T) {
		gs := serveServer(t, New(r, Options{MaxWork: 1000}), false)
		out, err := gitTry(t.TempDir(), "clone", gs.URL, "clone")
		if err == nil || !strings.Contains(out, "more than 1000 objects") {
			t.Fatalf("clone: %v\n%s", err, out)
		}
	})
}
