package upstream

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/remote"
)

const pageA = "# A\n\none\n\n\ntwo\n\n\nthree\n"

// TestFastForwardAndMerge: upstream-only changes fast-forward; changes on
// both sides that touch different lines end in a two-parent merge commit,
// pushed, with both changes in it.
func TestFastForwardAndMerge(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n", "a.md": pageA})
	w := newReplica(t, "w", up, remote.Options{URL: up})
	w.mustSync(t)
	mustEqual(t, "state", w.sync.State().Upstream, StatusOK)

	host := hostClone(t, up)
	writeFile(t, host, "b.md", "# B\n")
	gitCmd(t, host, "add", "-A")
	gitCmd(t, host, "commit", "-qm", "host adds b")
	gitCmd(t, host, "push", "-q", "origin", "main")
	if err := w.sync.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "main after fetch", w.head(t).String(), upstreamHead(t, up))

	writeFile(t, host, "a.md", strings.Replace(pageA, "one", "one, from the host", 1))
	gitCmd(t, host, "commit", "-qam", "host edits one")
	gitCmd(t, host, "push", "-q", "origin", "main")
	w.edit(t, "a", strings.Replace(pageA, "three", "three, from the wiki", 1))
	w.mustSync(t)

	head := w.head(t)
	mustEqual(t, "upstream main", upstreamHead(t, up), head.String())
	c, err := w.repo.Commit(ctx, head)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Parents) != 2 {
		t.Fatalf("merge commit has %d parents", len(c.Parents))
	}
	got := w.read(t, "a.md")
	if !strings.Contains(got, "one, from the host") || !strings.Contains(got, "three, from the wiki") {
		t.Fatalf("merged a.md lost a side:\n%s", got)
	}
	if st := w.sync.State(); st.Upstream != StatusOK || st.Ahead != 0 || st.Behind != 0 || len(st.Pending) != 0 {
		t.Fatalf("state after the round = %+v", st)
	}
	fsck(t, up)
	fsck(t, w.repo.GitDir())
}

// TestDivergedAndBack: both sides change the same lines, and the wiki's
// side is a maintainer's commit made in its repository with git (not one
// of the wiki's own edits, which TestLostRace moves to a proposal). The
// syncer stops (Diverged, health "diverged", the file and the commands),
// keeps every commit, and resumes once the commands it printed have
// reconciled the upstream; then again once the wiki's branch is reset to
// the upstream's.
func TestDivergedAndBack(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n", "a.md": pageA})
	w := newReplica(t, "w", up, remote.Options{URL: up})
	host := hostClone(t, up)
	conflict := func(hostText, wikiText string) store.Hash {
		gitCmd(t, host, "pull", "-q", "--no-rebase", "origin", "main")
		writeFile(t, host, "a.md", strings.Replace(pageA, "two", hostText, 1))
		gitCmd(t, host, "commit", "-qam", "host edits two")
		gitCmd(t, host, "push", "-q", "origin", "main")
		mine := w.commitAsMaintainer(t, "a.md", strings.Replace(w.read(t, "a.md"), "two", wikiText, 1))
		w.mustSync(t)
		return mine
	}
	mine := conflict("two, as the host says", "two, as the wiki says")

	st := w.sync.State()
	if !w.sync.Diverged() || st.Upstream != StatusDiverged || st.Ahead != 1 || st.Behind != 1 {
		t.Fatalf("diverged = %v, state %+v", w.sync.Diverged(), st)
	}
	if len(st.Conflicts) != 1 || st.Conflicts[0] != "a.md" || len(st.Resolve) == 0 {
		t.Fatalf("conflicts %v, commands %v", st.Conflicts, st.Resolve)
	}
	mustEqual(t, "wiki main", w.head(t), mine)
	if upstreamHead(t, up) == mine.String() {
		t.Fatal("the conflicting commit was pushed")
	}
	w.mustSync(t) // a round with nothing new stays diverged
	if !w.sync.Diverged() {
		t.Fatal("left the diverged state on its own")
	}

	// A maintainer runs the commands, settles the file, pushes.
	resolved := strings.Replace(pageA, "two", "two, as both agree", 1)
	runResolve(t, st.Resolve, "a.md", resolved)
	w.mustSync(t)
	if w.sync.Diverged() || w.sync.State().Upstream != StatusOK {
		t.Fatalf("after reconciling: diverged %v, state %+v", w.sync.Diverged(), w.sync.State())
	}
	mustEqual(t, "wiki main", w.head(t).String(), upstreamHead(t, up))
	mustEqual(t, "a.md", w.read(t, "a.md"), resolved)
	if ok, _ := w.repo.IsAncestor(ctx, mine, w.head(t)); !ok {
		t.Fatal("the wiki's conflicting commit is not in the reconciled branch")
	}

	// Diverged again, reconciled this time by resetting the wiki's branch
	// to the upstream's (the wiki's commit stays reachable from nothing
	// but the operator's choice).
	mine = conflict("two, host again", "two, wiki again")
	if !w.sync.Diverged() {
		t.Fatal("not diverged the second time")
	}
	tracking, _ := w.repo.ResolveRef(ctx, remote.Tracking("refs/heads/main"))
	if err := w.repo.UpdateRef(ctx, "refs/heads/main", tracking, mine); err != nil {
		t.Fatal(err)
	}
	w.mustSync(t)
	if w.sync.Diverged() || w.sync.State().Upstream != StatusOK {
		t.Fatalf("after the reset: %+v", w.sync.State())
	}
	fsck(t, up)
	fsck(t, w.repo.GitDir())
}

// TestLostRace: two replicas change the same line of a page at once. The
// first to push wins the branch; on the second, its edit becomes an open
// proposal (branch and record, on both replicas and the upstream under
// one number), its earlier edit that merges cleanly is merged, and its
// branch follows the upstream's. So both serve the same commit, no edit
// is lost, and the second takes edits straight to the branch again
// without a person stepping in.
func TestLostRace(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n", "a.md": pageA})
	a := newReplica(t, "a", up, remote.Options{URL: up})
	b := newReplica(t, "b", up, remote.Options{URL: up})
	a.edit(t, "a", strings.Replace(pageA, "two", "two, says a", 1))
	b.edit(t, "b-first", "# B first\n")
	lost := b.edit(t, "a", strings.Replace(pageA, "two", "two, says b", 1))
	a.mustSync(t)
	b.mustSync(t)

	if b.sync.Diverged() || b.sync.State().Upstream != StatusOK {
		t.Fatalf("b after losing the race: diverged %v, state %+v", b.sync.Diverged(), b.sync.State())
	}
	mustEqual(t, "b main", b.head(t).String(), upstreamHead(t, up))
	if got := b.read(t, "a.md"); !strings.Contains(got, "two, says a") {
		t.Fatalf("b serves %q, not the winner's edit", got)
	}
	a.mustSync(t)
	mustEqual(t, "a's b-first.md", a.read(t, "b-first.md"), "# B first\n")
	for _, r := range []*replica{a, b} {
		all, err := r.rev.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || all[0].State != review.Open || all[0].Head != lost.String() || all[0].Page != "a" ||
			!strings.HasPrefix(all[0].Title, "Edit that conflicts with the upstream: edit a on b") || all[0].Author.Name == "" {
			t.Fatalf("%s: proposals %+v, want one open proposal of %s", r.name, all, lost.Short())
		}
		mc, err := r.rev.ConflictAt(ctx, all[0], r.head(t))
		if err != nil || mc == nil || len(mc.Files) != 1 || mc.Files[0].Path != "a.md" {
			t.Fatalf("%s: the proposal's conflict with main: %+v, %v", r.name, mc, err)
		}
	}
	if got := gitCmd(t, up, "rev-parse", "refs/heads/proposals/1"); got != lost.String() {
		t.Fatalf("upstream proposals/1 = %s, want %s", got, lost)
	}

	// b takes edits straight to the branch again, and they reach a.
	next := b.edit(t, "from-b", "# From b\n")
	b.mustSync(t)
	a.mustSync(t)
	mustEqual(t, "a main", a.head(t), next)
	fsck(t, up)
	fsck(t, a.repo.GitDir())
	fsck(t, b.repo.GitDir())
}

// runResolve runs the commands the syncer printed, as a maintainer would,
// with the file's settled text written where the commands say to edit.
func runResolve(t *testing.T, cmds []string, file, text string) {
	t.Helper()
	dir := t.TempDir()
	var before, after []string
	seen := false
	for _, c := range cmds {
		switch {
		case strings.HasPrefix(c, "#"):
			seen = true
		case seen:
			after = append(after, c)
		default:
			before = append(before, c)
		}
	}
	// The pull stops on the conflict, as it must.
	if out, err := shell(dir, strings.Join(before, " && ")); err == nil || !strings.Contains(out, "CONFLICT") {
		t.Fatalf("the pull did not stop on the conflict: %v\n%s", err, out)
	}
	work := filepath.Join(dir, "wiki-merge")
	if b, _ := os.ReadFile(filepath.Join(work, file)); !strings.Contains(string(b), "<<<<<<<") {
		t.Fatalf("%s has no conflict markers:\n%s", file, b)
	}
	writeFile(t, work, file, text)
	if out, err := shell(work, strings.Join(after, " && ")); err != nil {
		t.Fatalf("resolve: %v\n%s", err, out)
	}
}

func shell(dir, script string) (string, error) {
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Maintainer", "GIT_AUTHOR_EMAIL=m@example.org", "GIT_COMMITTER_NAME=Maintainer",
		"GIT_COMMITTER_EMAIL=m@example.org", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+os.TempDir())
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestHostProposals: review on the host. A proposal branch pushed there
// becomes a proposal; merged there, it shows merged; deleted there without
// a merge, it shows closed. A proposal made on the wiki is claimed on the
// upstream, revised there, and deleted there when rejected here.
func TestHostProposals(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n", "a.md": pageA})
	w := newReplica(t, "w", up, remote.Options{URL: "file://" + up})
	host := hostClone(t, up)
	branch := func(name, file, text string) {
		gitCmd(t, host, "checkout", "-q", "-B", name, "origin/main")
		writeFile(t, host, file, text)
		gitCmd(t, host, "add", "-A")
		gitCmd(t, host, "commit", "-qm", "host proposes "+file)
		gitCmd(t, host, "push", "-q", "origin", name)
	}
	get := func(id int) *review.Proposal {
		t.Helper()
		p, err := w.rev.Get(ctx, id)
		if err != nil {
			t.Fatalf("proposal %d: %v", id, err)
		}
		return p
	}

	branch("proposals/5", "five.md", "# Five\n")
	w.mustSync(t)
	if p := get(5); p.State != review.Open || !p.Pushed {
		t.Fatalf("host branch proposals/5: %+v", p)
	}

	gitCmd(t, host, "checkout", "-q", "main")
	gitCmd(t, host, "pull", "-q", "--no-rebase", "origin", "main")
	gitCmd(t, host, "merge", "-q", "--no-ff", "-m", "Merge pull request 5", "proposals/5")
	gitCmd(t, host, "push", "-q", "origin", "main", ":proposals/5")
	w.mustSync(t)
	mustEqual(t, "proposal 5", get(5).State, review.Merged)

	branch("proposals/6", "six.md", "# Six\n")
	w.mustSync(t)
	mustEqual(t, "proposal 6", get(6).State, review.Open)
	gitCmd(t, host, "push", "-q", "origin", ":proposals/6")
	w.mustSync(t)
	if p := get(6); p.State != review.Rejected || !strings.Contains(p.Reason, "deleted on the upstream") {
		t.Fatalf("proposal 6 after its branch went: %+v", p)
	}
	if _, err := w.repo.ResolveRef(ctx, "refs/heads/proposals/6"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("proposals/6 kept here: %v", err)
	}

	id := w.propose(t, "a", strings.Replace(pageA, "one", "one, proposed", 1))
	if id <= 6 {
		t.Fatalf("new proposal got number %d, taken already", id)
	}
	ref := "refs/heads/proposals/" + itoa(id)
	mustEqual(t, "upstream "+ref, gitCmd(t, up, "rev-parse", ref), get(id).Head)
	if !strings.Contains(gitCmd(t, up, "ls-tree", "--name-only", "refs/meta/proposals"), itoa(id)+".json") {
		t.Fatal("the record is not on the upstream")
	}

	// A revision pushed on the host moves the proposal here.
	gitCmd(t, host, "fetch", "-q", "origin")
	gitCmd(t, host, "checkout", "-q", "-B", "p", "origin/proposals/"+itoa(id))
	writeFile(t, host, "a.md", strings.Replace(pageA, "one", "one, proposed and revised", 1))
	gitCmd(t, host, "commit", "-qam", "revise on the host")
	gitCmd(t, host, "push", "-q", "origin", "p:proposals/"+itoa(id))
	w.mustSync(t)
	mustEqual(t, "proposal head", get(id).Head, gitCmd(t, host, "rev-parse", "HEAD"))

	// Rejected here: the branch goes upstream too; the record stays.
	if err := w.rev.Reject(ctx, id, "Mara", "not now"); err != nil {
		t.Fatal(err)
	}
	w.mustSync(t)
	if _, err := gitRun(up, "rev-parse", "--verify", "--quiet", ref); err == nil {
		t.Fatal("the rejected proposal's branch is still upstream")
	}
	meta := gitCmd(t, up, "show", "refs/meta/proposals:"+itoa(id)+".json")
	if !strings.Contains(meta, `"rejected"`) {
		t.Fatalf("upstream record: %s", meta)
	}
	if st := w.sync.State(); st.Upstream != StatusOK || len(st.Pending) != 0 {
		t.Fatalf("state: %+v", st)
	}
	fsck(t, up)
	fsck(t, w.repo.GitDir())
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestFirstStart: a wiki that starts from its upstream (an empty
// repository, remote.InitBare) takes the upstream's branch and records on
// its first round; one that starts with content fills an empty upstream.
func TestFirstStart(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n"})
	seeded := newReplica(t, "seeded", up, remote.Options{URL: up})
	seeded.propose(t, "p", "# P\n")

	dir := filepath.Join(t.TempDir(), "fresh.git")
	if err := remote.InitBare(dir, "main"); err != nil {
		t.Fatal(err)
	}
	fresh := openReplica(t, "fresh", dir, remote.Options{URL: up})
	fresh.mustSync(t)
	mustEqual(t, "fresh main", fresh.head(t).String(), upstreamHead(t, up))
	if all, err := fresh.rev.List(ctx); err != nil || len(all) != 1 {
		t.Fatalf("fresh replica's proposals: %v, %v", all, err)
	}

	empty := filepath.Join(t.TempDir(), "empty.git")
	gitCmd(t, "", "init", "-q", "--bare", "--initial-branch=main", empty)
	seeded.sync = seeded.newSyncerTo(t, remote.Options{URL: empty})
	seeded.mustSync(t)
	mustEqual(t, "new upstream main", upstreamHead(t, empty), seeded.head(t).String())
	for _, ref := range []string{remote.MetaRef, "refs/heads/proposals/1"} {
		local, _ := seeded.repo.ResolveRef(ctx, ref)
		mustEqual(t, "new upstream "+ref, gitCmd(t, empty, "rev-parse", ref), local.String())
	}

	// A wiki with content of its own, pointed at an upstream that shares
	// no history with it, refuses to sync rather than merge two wikis.
	other := treeRepo(t, map[string]string{"index.md": "# Another wiki\n"})
	stranger := &replica{name: "stranger", repo: other, opts: remote.Options{URL: up}}
	stranger.sync = stranger.newSyncer(t)
	mine := stranger.head(t)
	if err := stranger.sync.Sync(ctx); !errors.Is(err, ErrUnrelated) {
		t.Fatalf("unrelated upstream: %v, want ErrUnrelated", err)
	}
	mustEqual(t, "state", stranger.sync.State().Upstream, StatusUnreachable)
	mustEqual(t, "stranger main", stranger.head(t), mine)
	mustEqual(t, "upstream main", upstreamHead(t, up), fresh.head(t).String())
	fsck(t, empty)
	fsck(t, dir)
}

// TestHostBranchTakesNumber: a proposal opened here while a person pushed
// a branch of the same number to the host. The host's branch keeps its
// number, as review adopts numbered branches; this wiki's proposal moves,
// branch, record and private token.
func TestHostBranchTakesNumber(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n"})
	w := newReplica(t, "w", up, remote.Options{URL: up})
	p, err := w.pages.Prepare(ctx, pages.Submission{Page: "mine", Content: "# Mine\n", Summary: "mine", Base: w.head(t).String()})
	if err != nil {
		t.Fatal(err)
	}
	prop, token, err := w.rev.Open(ctx, p) // not claimed yet: as if the upstream were away
	if err != nil || prop.ID != 1 {
		t.Fatalf("open: %v, %v", prop, err)
	}
	host := hostClone(t, up)
	gitCmd(t, host, "checkout", "-q", "-b", "proposals/1")
	writeFile(t, host, "theirs.md", "# Theirs\n")
	gitCmd(t, host, "add", "-A")
	gitCmd(t, host, "commit", "-qm", "theirs")
	gitCmd(t, host, "push", "-q", "origin", "proposals/1")
	hostHead := gitCmd(t, host, "rev-parse", "HEAD")

	w.mustSync(t)
	w.mustSync(t)
	one, err := w.rev.Get(ctx, 1)
	if err != nil || one.Head != hostHead || !one.Pushed {
		t.Fatalf("proposal 1 = %+v, %v; want the host's branch", one, err)
	}
	two, err := w.rev.Get(ctx, 2)
	if err != nil || two.Title != "mine" || !two.CheckToken(token) || two.Head != prop.Head {
		t.Fatalf("proposal 2 = %+v, %v; want this wiki's, token kept", two, err)
	}
	mustEqual(t, "upstream proposals/1", gitCmd(t, up, "rev-parse", "refs/heads/proposals/1"), hostHead)
	mustEqual(t, "upstream proposals/2", gitCmd(t, up, "rev-parse", "refs/heads/proposals/2"), prop.Head)
	if st := w.sync.State(); len(st.ProposalConflicts) != 0 || st.Upstream != StatusOK {
		t.Fatalf("state: %+v", st)
	}
	fsck(t, up)
	fsck(t, w.repo.GitDir())
}

// TestSyncing: from a write's Kick until the round that pushes it ends,
// State says a round is due or under way, so a watcher of /-/health does
// not take the last round's counts for "in step" while a push is coming.
func TestSyncing(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n", "a.md": pageA})
	w := newReplica(t, "w", up, remote.Options{URL: up})
	w.mustSync(t)
	if st := w.sync.State(); st.Upstream != StatusOK || st.Syncing {
		t.Fatalf("after a round: %+v", st)
	}
	w.edit(t, "a", strings.Replace(pageA, "two", "two, edited", 1))
	w.sync.Kick()
	if st := w.sync.State(); !st.Syncing || st.Upstream != StatusOK {
		t.Fatalf("after an edit and its kick: %+v; want the last round's ok, and syncing", st)
	}
	_, unlock, err := w.sync.lock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !w.sync.State().Syncing {
		t.Fatal("not syncing while a round is under way")
	}
	unlock()
	if w.sync.State().Syncing {
		t.Fatal("syncing after the round ended")
	}
	w.mustSync(t)
	if st := w.sync.State(); st.Syncing || len(st.Pending) != 0 || st.Upstream != StatusOK {
		t.Fatalf("after the round that pushed the edit: %+v", st)
	}
	mustEqual(t, "upstream main", upstreamHead(t, up), w.head(t).String())
}
