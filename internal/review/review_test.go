package review

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
)

var ctx = context.Background()

var wikiSig = store.Signature{Name: "Wiki", Email: "wiki@invalid"}
var maint = store.Signature{Name: "Mara", Email: "mara@example.org"}

type fixture struct {
	repo  *store.Repo
	pages *pages.Service
	rev   *Service
}

func mustFixture(tb testing.TB, files map[string]string) *fixture {
	tb.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	repo, err := store.Init(filepath.Join(tb.TempDir(), "wiki.git"), "main", m, store.Signature{Name: "i", Email: "i@x", When: time.Now()}, "init")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { repo.Close() })
	loader, _ := site.NewLoader(repo, render.New(render.Config{}), "")
	pg := pages.New(loader, wikiSig)
	return &fixture{repo: repo, pages: pg, rev: New(loader, pg, wikiSig)}
}

func (f *fixture) head(tb testing.TB) store.Hash {
	h, err := f.repo.ResolveRef(ctx, "refs/heads/main")
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func (f *fixture) prepare(tb testing.TB, sub pages.Submission) *pages.Prepared {
	tb.Helper()
	if sub.Base == "" {
		sub.Base = f.head(tb).String()
	}
	p, err := f.pages.Prepare(ctx, sub)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func (f *fixture) read(tb testing.TB, commit store.Hash, path string) string {
	b, _, _, err := f.repo.ReadFileAt(ctx, commit, path, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func git(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=g", "GIT_AUTHOR_EMAIL=g@x", "GIT_COMMITTER_NAME=g", "GIT_COMMITTER_EMAIL=g@x", "HOME="+tb.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestLifecycle(t *testing.T) {
	f := mustFixture(t, map[string]string{"a.md": "# A\n\none\n\ntwo\n"})
	base := f.head(t)
	p1, token, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "# A\n\none, proposed\n\ntwo\n", Summary: "Improve one", Name: "Pia"}))
	if err != nil {
		t.Fatal(err)
	}
	if p1.ID != 1 || p1.State != Open || p1.Author.Name != "Pia" || p1.Title != "Improve one" {
		t.Fatalf("got %+v", p1)
	}
	if f.head(t) != base {
		t.Fatal("opening a proposal moved main")
	}
	if h, _ := f.repo.ResolveRef(ctx, "refs/heads/proposals/1"); h != p1.HeadHash() {
		t.Fatal("proposal branch missing")
	}
	// Revise with the token, not without.
	rp := f.prepare(t, pages.Submission{Page: "a", Content: "# A\n\none, proposed again\n\ntwo\n", Base: p1.Head})
	if _, err := f.rev.Revise(ctx, 1, "wrong", false, rp); !errors.Is(err, ErrBadToken) {
		t.Fatalf("got %v, want ErrBadToken", err)
	}
	if _, err := f.rev.Revise(ctx, 1, token, false, rp); err != nil {
		t.Fatal(err)
	}
	p1, _ = f.rev.Get(ctx, 1)
	if got := f.read(t, p1.HeadHash(), "a.md"); !strings.Contains(got, "proposed again") {
		t.Fatalf("revision not on the branch: %q", got)
	}
	// Comments.
	if err := f.rev.AddComment(ctx, 1, Comment{Author: "Mara", Maintainer: true, Text: "Looks good"}); err != nil {
		t.Fatal(err)
	}
	if err := f.rev.AddComment(ctx, 1, Comment{Author: "x", Text: "  "}); !errors.Is(err, ErrEmptyText) {
		t.Fatalf("empty comment: %v", err)
	}
	// Main moves in another section; the merge is clean and has two parents.
	other := f.prepare(t, pages.Submission{Page: "a", Content: "# A\n\none\n\ntwo, on main\n"})
	if _, err := f.pages.Commit(ctx, other); err != nil {
		t.Fatal(err)
	}
	mc, err := f.rev.Merge(ctx, 1, maint, "Thanks", store.ZeroHash, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := f.repo.Commit(ctx, mc)
	if len(c.Parents) != 2 || c.Parents[1] != p1.HeadHash() || c.Author.Name != "Mara" {
		t.Fatalf("merge commit: %+v", c)
	}
	if got := f.read(t, mc, "a.md"); got != "# A\n\none, proposed again\n\ntwo, on main\n" {
		t.Fatalf("merged text %q", got)
	}
	p1, _ = f.rev.Get(ctx, 1)
	if p1.State != Merged || p1.DecidedBy != "Mara" || len(p1.Comments) != 1 {
		t.Fatalf("record: %+v", p1)
	}
	if _, err := f.rev.Merge(ctx, 1, maint, "", store.ZeroHash, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("second merge: %v", err)
	}
	// Reject keeps the commits reachable from the record.
	p2, _, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: "b", Content: "new page\n"}))
	if err != nil || p2.ID != 2 {
		t.Fatalf("second proposal: %+v %v", p2, err)
	}
	if err := f.rev.Reject(ctx, 2, "Mara", "Out of scope"); err != nil {
		t.Fatal(err)
	}
	p2, _ = f.rev.Get(ctx, 2)
	if p2.State != Rejected || p2.Reason != "Out of scope" {
		t.Fatalf("record: %+v", p2)
	}
	if _, err := f.repo.ResolveRef(ctx, "refs/heads/proposals/2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("rejected branch kept")
	}
	meta, _ := f.repo.ResolveRef(ctx, MetaRef)
	if ok, _ := f.repo.IsAncestor(ctx, p2.HeadHash(), meta); !ok {
		t.Fatal("rejected commits not reachable from the record")
	}
	if _, err := exec.LookPath("git"); err == nil {
		git(t, f.repo.GitDir(), "fsck", "--strict")
		git(t, f.repo.GitDir(), "cat-file", "-e", p2.Head)
		if out := git(t, f.repo.GitDir(), "branch", "--merged", "main"); !strings.Contains(out, "proposals/1") {
			t.Fatalf("git branch --merged does not list proposals/1:\n%s", out)
		}
	}
}

func TestMergeConflictAndResolution(t *testing.T) {
	f := mustFixture(t, map[string]string{"a.md": "line\n"})
	p, _, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "line from proposal\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.pages.Commit(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "line from main\n"})); err != nil {
		t.Fatal(err)
	}
	_, err = f.rev.Merge(ctx, p.ID, maint, "", store.ZeroHash, nil)
	var mc *MergeConflict
	if !errors.As(err, &mc) || len(mc.Files) != 1 || !strings.Contains(mc.Files[0].Merged, "line from proposal") || !strings.Contains(mc.Files[0].Merged, "line from main") {
		t.Fatalf("got %v", err)
	}
	// A resolution made against an older main is not applied.
	stale := &Resolution{Head: p.BaseHash(), Files: map[string][]byte{"a.md": []byte("resolved\n")}}
	if _, err := f.rev.Merge(ctx, p.ID, maint, "", store.ZeroHash, stale); !errors.As(err, &mc) {
		t.Fatalf("stale resolution: %v", err)
	}
	c, err := f.rev.Merge(ctx, p.ID, maint, "", store.ZeroHash, &Resolution{Head: mc.Head, Files: map[string][]byte{"a.md": []byte("resolved\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.read(t, c, "a.md"); got != "resolved\n" {
		t.Fatalf("got %q", got)
	}
}

// TestPlainGitMergeAndPush: a maintainer who merges a proposal with plain
// git and pushes, or pushes a new proposals/ branch, is seen by the wiki.
func TestPlainGitMergeAndPush(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("C git is not installed")
	}
	f := mustFixture(t, map[string]string{"a.md": "a\n"})
	p, _, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "a, proposed\n"}))
	if err != nil {
		t.Fatal(err)
	}
	clone := t.TempDir()
	git(t, clone, "clone", "-q", f.repo.GitDir(), ".")
	git(t, clone, "fetch", "-q", "origin", "refs/heads/proposals/*:refs/remotes/origin/proposals/*")
	if d := git(t, clone, "diff", "main...origin/proposals/1"); !strings.Contains(d, "+a, proposed") {
		t.Fatalf("diff: %s", d)
	}
	git(t, clone, "merge", "-q", "--no-edit", "origin/proposals/1")
	git(t, clone, "push", "-q", "origin", "main")
	// A branch pushed with git becomes a proposal.
	git(t, clone, "checkout", "-q", "-b", "mine")
	os.WriteFile(filepath.Join(clone, "c.md"), []byte("# C\n"), 0o644)
	git(t, clone, "add", "c.md")
	git(t, clone, "commit", "-q", "-m", "Add page C")
	git(t, clone, "push", "-q", "origin", "mine:proposals/named-branch", "mine:proposals/7", "mine:proposals/b-named", "mine:proposals/12")

	list, err := f.rev.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int]*Proposal{}
	for _, q := range list {
		byID[q.ID] = q
	}
	if byID[p.ID].State != Merged || byID[p.ID].DecidedBy != "git" {
		t.Fatalf("merge with git not noticed: %+v", byID[p.ID])
	}
	if q := byID[7]; q == nil || q.Title != "Add page C" || q.State != Open || q.Page != "c" || !q.Pushed {
		t.Fatalf("pushed proposals/7: %+v", q)
	}
	// Named branches are numbered after every numbered branch, by name, so
	// the numbers do not depend on the order refs are listed in.
	for id, branch := range map[int]string{12: "12", 13: "b-named", 14: "named-branch"} {
		if q := byID[id]; q == nil || q.Branch != "refs/heads/proposals/"+branch {
			t.Fatalf("proposal %d: got %+v, want branch proposals/%s", id, q, branch)
		}
	}
	git(t, f.repo.GitDir(), "fsck", "--strict")
}

// TestMergeRefusesUnreviewedRevision: a maintainer merges what they saw; a
// revision that arrived after they loaded the proposal is not merged blind.
func TestMergeRefusesUnreviewedRevision(t *testing.T) {
	f := mustFixture(t, map[string]string{"a.md": "a\n"})
	p, token, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "a, harmless\n"}))
	if err != nil {
		t.Fatal(err)
	}
	seen := p.HeadHash()
	if _, err := f.rev.Revise(ctx, p.ID, token, false, f.prepare(t, pages.Submission{Page: "a", Content: "a, changed later\n", Base: p.Head})); err != nil {
		t.Fatal(err)
	}
	if _, err := f.rev.Merge(ctx, p.ID, maint, "", seen, nil); !errors.Is(err, ErrChanged) {
		t.Fatalf("got %v, want ErrChanged", err)
	}
	now, _ := f.rev.Get(ctx, p.ID)
	if _, err := f.rev.Merge(ctx, p.ID, maint, "", now.HeadHash(), nil); err != nil {
		t.Fatal(err)
	}
}

// TestReadsNeverWrite: listing and reading proposals after a merge made
// with plain git shows it merged without writing to git; Refresh (after a
// push, or Watch) writes it down (hardening item 21).
func TestReadsNeverWrite(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("C git is not installed")
	}
	f := mustFixture(t, map[string]string{"a.md": "a\n"})
	p, _, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "a, proposed\n"}))
	if err != nil {
		t.Fatal(err)
	}
	git(t, f.repo.GitDir(), "update-ref", "refs/heads/main", p.Head)
	before, _ := f.repo.ResolveRef(ctx, MetaRef)
	got, err := f.rev.Get(ctx, p.ID)
	if err != nil || got.State != Merged {
		t.Fatalf("Get after a fast-forward with git: %+v %v", got, err)
	}
	if list, _ := f.rev.List(ctx); len(list) != 1 || list[0].State != Merged {
		t.Fatalf("List: %+v", list)
	}
	if after, _ := f.repo.ResolveRef(ctx, MetaRef); after != before {
		t.Fatalf("a read wrote the records: %s → %s", before, after)
	}
	if err := f.rev.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if after, _ := f.repo.ResolveRef(ctx, MetaRef); after == before {
		t.Fatal("Refresh did not write the merge down")
	}
	rs, _ := f.rev.load(ctx)
	if rs.byID[p.ID].State != Merged {
		t.Fatalf("record after Refresh: %+v", rs.byID[p.ID])
	}
}

// TestProposeCommits: commits already in the repository become a
// proposal, with the page and author of the commit; proposing the same
// head again (a sync round that failed after proposing) returns the same
// open proposal, and once that is closed, a new one.
func TestProposeCommits(t *testing.T) {
	f := mustFixture(t, map[string]string{"a.md": "# A\n\none\n"})
	base := f.head(t)
	who := store.Signature{Name: "Ana", Email: "ana@example.org", When: time.Now()}
	head, err := f.repo.WriteCommit(ctx, base, []store.FileWrite{{Path: "a.md", Content: []byte("# A\n\none, on a replica\n")}},
		store.CommitInfo{Author: who, Committer: wikiSig, Message: "edit a"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.rev.Propose(ctx, base, head, "Edit that conflicts with the upstream: edit a")
	if err != nil {
		t.Fatal(err)
	}
	if p.State != Open || p.Page != "a" || p.Author.Name != "Ana" || p.Head != head.String() || p.Base != base.String() || p.TokenHash != "" {
		t.Fatalf("proposal %+v", p)
	}
	if b, _ := f.repo.ResolveRef(ctx, p.Branch); b != head {
		t.Fatalf("branch %s at %s, want %s", p.Branch, b, head)
	}
	again, err := f.rev.Propose(ctx, base, head, "again")
	if err != nil || again.ID != p.ID {
		t.Fatalf("proposing the same head again: %+v, %v; want proposal %d", again, err, p.ID)
	}
	if err := f.rev.Reject(ctx, p.ID, "m", "no"); err != nil {
		t.Fatal(err)
	}
	next, err := f.rev.Propose(ctx, base, head, "once more")
	if err != nil || next.ID == p.ID || next.State != Open {
		t.Fatalf("after the rejection: %+v, %v", next, err)
	}
	if all, _ := f.rev.List(ctx); len(all) != 2 {
		t.Fatalf("%d proposals, want 2", len(all))
	}
}
