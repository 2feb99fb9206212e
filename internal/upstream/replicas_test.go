package upstream

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store/remote"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// TestOutageAndRestart: the upstream (smart HTTP, token checked) goes
// away while the wiki takes edits and a proposal. Nothing blocks, nothing
// is lost, health says unreachable with the pushes queued; a new Syncer on
// the same repository (a restart) finds them in the refs and pushes them
// once the upstream is back.
func TestOutageAndRestart(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n", "a.md": pageA})
	g := startGitHTTP(t, dirOf(up))
	w := newReplica(t, "w", up, g.opts(up))
	w.mustSync(t)

	g.down.Store(true)
	w.edit(t, "a", strings.Replace(pageA, "one", "one, offline", 1))
	w.edit(t, "b", "# B\n\nwritten while the upstream was away\n")
	id := w.propose(t, "c", "# C\n\nproposed while the upstream was away\n")
	err := w.sync.Sync(ctx)
	if !errors.Is(err, remote.ErrUnreachable) {
		t.Fatalf("sync while down: %v, want ErrUnreachable", err)
	}
	st := w.sync.State()
	if st.Upstream != StatusUnreachable || st.Ahead != 2 || !contains(st.Pending, "refs/heads/main") || !contains(st.Pending, remote.MetaRef) {
		t.Fatalf("state while down: %+v", st)
	}
	if strings.Contains(st.LastError, testToken) {
		t.Fatalf("health shows the token: %s", st.LastError)
	}
	before := upstreamHead(t, up)

	// Restart: a new process on the same repository.
	w2 := openReplica(t, "w", w.repo.GitDir(), g.opts(up))
	if err := w2.sync.Sync(ctx); !errors.Is(err, remote.ErrUnreachable) {
		t.Fatalf("sync after restart while down: %v", err)
	}
	mustEqual(t, "upstream main while down", upstreamHead(t, up), before)

	g.down.Store(false)
	w2.mustSync(t)
	mustEqual(t, "upstream main", upstreamHead(t, up), w2.head(t).String())
	if st := w2.sync.State(); st.Upstream != StatusOK || len(st.Pending) != 0 || st.LastError != "" {
		t.Fatalf("state after the upstream came back: %+v", st)
	}
	for _, ref := range []string{"refs/heads/proposals/" + itoa(id), remote.MetaRef} {
		local, _ := w2.repo.ResolveRef(ctx, ref)
		mustEqual(t, "upstream "+ref, gitCmd(t, up, "rev-parse", ref), local.String())
	}
	for file, want := range map[string]string{"a.md": "one, offline", "b.md": "written while the upstream was away"} {
		if got := gitCmd(t, up, "show", "main:"+file); !strings.Contains(got, want) {
			t.Fatalf("upstream %s = %q, lost %q", file, got, want)
		}
	}
	fsck(t, up)
	fsck(t, w.repo.GitDir())
}

// TestRunLoop: the loop pushes after a Kick, rides out an outage with
// backoff, and a restarted loop delivers what the first one could not.
func TestRunLoop(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n"})
	g := startGitHTTP(t, dirOf(up))
	w := newReplica(t, "w", up, g.opts(up))
	w.sync.cfg.FetchEvery, w.sync.cfg.MaxBackoff = time.Hour, 20*time.Millisecond
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.sync.Run(runCtx); close(done) }()

	c := w.edit(t, "a", "# A\n\nfirst\n")
	w.sync.Kick()
	waitFor(t, "the kicked push", func() bool { return upstreamHead(t, up) == c.String() })

	g.down.Store(true)
	c = w.edit(t, "a", "# A\n\nsecond, while down\n")
	w.sync.Kick()
	waitFor(t, "health to say unreachable", func() bool { return w.sync.State().Upstream == StatusUnreachable })
	stop()
	<-done

	w2 := openReplica(t, "w", w.repo.GitDir(), g.opts(up))
	w2.sync.cfg.FetchEvery, w2.sync.cfg.MaxBackoff = time.Hour, 20*time.Millisecond
	runCtx, stop = context.WithCancel(ctx)
	defer stop()
	go w2.sync.Run(runCtx)
	g.down.Store(false)
	waitFor(t, "the queued push after the restart", func() bool { return upstreamHead(t, up) == c.String() })
}

// waitFor polls a condition with a generous bound; nothing asserts how
// quickly it comes true.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReplicasConverge: three servers, each with its own repository,
// share one upstream. They take edits and proposals at the same time,
// syncing as they go. After a few more rounds all three serve the same
// commit, every edit is in it, every proposal is on all three under one
// number each, and git fsck --strict passes everywhere.
func TestReplicasConverge(t *testing.T) {
	for _, transport := range []string{"path", "https"} {
		t.Run(transport, func(t *testing.T) {
			testReplicasConverge(t, transport)
		})
	}
}

func testReplicasConverge(t *testing.T, transport string) {
	shared := "# Shared\n\nsection r0\n\n\nsection r1\n\n\nsection r2\n"
	contested := "# Contested\n\nstatus: open\n"
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n", "shared.md": shared, "contested.md": contested})
	opts := remote.Options{URL: up}
	if transport == "https" {
		opts = startGitHTTP(t, dirOf(up)).opts(up)
	}
	reps := make([]*replica, 3)
	for i := range reps {
		reps[i] = newReplica(t, fmt.Sprintf("r%d", i), up, opts)
	}
	const edits, props = 3, 2
	var wg sync.WaitGroup
	var mu sync.Mutex
	proposed := map[string]bool{} // titles of every proposal opened
	for i, r := range reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// All three change the same line first: one wins the branch,
			// the others' edits become proposals (TestLostRace).
			r.edit(t, "contested", strings.Replace(contested, "open", "set on "+r.name, 1))
			_ = r.sync.Sync(ctx)
			for k := 0; k < edits; k++ {
				r.edit(t, r.name+"-page", fmt.Sprintf("# %s\n\nedit %d\n", r.name, k))
				_ = r.sync.Sync(ctx) // losing a race is fine: the next round catches up
			}
			text := strings.Replace(r.read(t, "shared.md"), fmt.Sprintf("section r%d", i), fmt.Sprintf("section r%d, edited on %s", i, r.name), 1)
			r.edit(t, "shared", text)
			for k := 0; k < props; k++ {
				title := fmt.Sprintf("proposal %d of %s", k, r.name)
				r.proposeTitled(t, fmt.Sprintf("%s-prop-%d", r.name, k), title)
				mu.Lock()
				proposed[title] = true
				mu.Unlock()
				_ = r.sync.Sync(ctx)
			}
		}()
	}
	wg.Wait()

	// In step with the upstream itself, not only with what each replica
	// saw of it: proposals leave the branch as it is, so a replica that
	// fetched before the others' last records were pushed has the same
	// head and records in step with its own last fetch, and lists fewer.
	converged := func() bool {
		want := upstreamHead(t, up)
		wantMeta := gitCmd(t, up, "rev-parse", remote.MetaRef)
		for _, r := range reps {
			meta, err := r.repo.ResolveRef(ctx, remote.MetaRef)
			if err != nil || meta.String() != wantMeta {
				return false
			}
			if r.head(t).String() != want || !r.sync.metaInStep(ctx) || len(r.sync.State().Pending) > 0 {
				return false
			}
		}
		return true
	}
	eventually(t, "convergence", 6, func() {
		for _, r := range reps {
			r.mustSync(t)
		}
	}, converged)

	// The proposals made of edits that lost a race: the contested edits,
	// with any edit their replica made on top before it saw the conflict.
	final := reps[0].head(t)
	var raced []*review.Proposal
	all, err := reps[0].rev.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if strings.Contains(p.Title, "conflict with the upstream") || strings.Contains(p.Title, "conflicts with the upstream") {
			raced = append(raced, p)
		}
	}
	// found says where an edit is: on the branch, or in a raced proposal.
	found := func(path, text string) (onBranch bool, proposed int) {
		if b, _, _, _ := reps[0].repo.ReadFileAt(ctx, final, path, 0); strings.Contains(string(b), text) {
			onBranch = true
		}
		for _, p := range raced {
			if b, _, _, _ := reps[0].repo.ReadFileAt(ctx, p.HeadHash(), path, 0); strings.Contains(string(b), text) {
				proposed++
			}
		}
		return onBranch, proposed
	}
	for i, r := range reps {
		mustEqual(t, r.name+" main", r.head(t), final)
		if on, n := found(r.name+"-page.md", fmt.Sprintf("edit %d", edits-1)); !on && n == 0 {
			t.Errorf("%s lost its last edit", r.name)
		}
		if on, n := found("shared.md", fmt.Sprintf("section r%d, edited on %s", i, r.name)); !on && n == 0 {
			t.Errorf("shared.md lost the edit of %s", r.name)
		}
		// Every replica's contested edit is on the branch or proposed,
		// never both.
		if on, n := found("contested.md", "set on "+r.name); on == (n == 1) || n > 1 {
			t.Errorf("%s's contested edit: on the branch %v, in %d proposals", r.name, on, n)
		}
	}
	if len(raced) != len(reps)-1 {
		t.Errorf("%d proposals of edits that lost a race, want %d", len(raced), len(reps)-1)
	}
	var lists [][]string
	for _, r := range reps {
		all, err := r.rev.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		ids := map[int]bool{}
		for _, p := range all {
			if ids[p.ID] {
				t.Fatalf("%s: number %d twice", r.name, p.ID)
			}
			ids[p.ID] = true
			isRaced := false
			for _, q := range raced {
				isRaced = isRaced || q.ID == p.ID && q.Head == p.Head
			}
			if p.State != review.Open || !proposed[p.Title] && !isRaced {
				t.Errorf("%s: unexpected proposal %d %q (%s)", r.name, p.ID, p.Title, p.State)
			}
			head, err := r.repo.ResolveRef(ctx, p.Branch)
			if err != nil || head.String() != p.Head {
				t.Errorf("%s: proposal %d's branch %s is at %v (%v), record says %s", r.name, p.ID, p.Branch, head, err, p.Head)
			}
			rows = append(rows, fmt.Sprintf("%d %s", p.ID, p.Title))
		}
		sort.Strings(rows)
		lists = append(lists, rows)
	}
	if len(lists[0]) != len(proposed)+len(reps)-1 {
		t.Fatalf("%d proposals listed, %d opened:\n%s", len(lists[0]), len(proposed), strings.Join(lists[0], "\n"))
	}
	for i := 1; i < len(lists); i++ {
		if strings.Join(lists[i], "\n") != strings.Join(lists[0], "\n") {
			t.Fatalf("replicas disagree on the proposals:\n%s\n--\n%s", strings.Join(lists[0], "\n"), strings.Join(lists[i], "\n"))
		}
	}
	fsck(t, up)
	for _, r := range reps {
		fsck(t, r.repo.GitDir())
	}
}

// proposeTitled opens a proposal whose summary is title.
func (r *replica) proposeTitled(tb testing.TB, page, title string) int {
	tb.Helper()
	return r.proposeWith(tb, page, "# "+title+"\n", title)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestNumberCollision: two replicas cut off from the upstream both open
// proposal 1. The first to reach the upstream keeps the number; the other
// proposal becomes 2, branch and record, and its private token still
// works. Both replicas then agree on both.
func TestNumberCollision(t *testing.T) {
	up := seedUpstream(t, map[string]string{"index.md": "# Home\n"})
	g := startGitHTTP(t, dirOf(up))
	r0, r1 := newReplica(t, "r0", up, g.opts(up)), newReplica(t, "r1", up, g.opts(up))
	r0.mustSync(t)
	r1.mustSync(t)
	g.down.Store(true)
	open := func(r *replica, title string) (int, string) {
		p, err := r.pages.Prepare(ctx, pages.Submission{Page: "p-" + wikipath.Page(r.name), Content: "# " + title + "\n", Summary: title, Base: r.head(t).String()})
		if err != nil {
			t.Fatal(err)
		}
		prop, token, err := r.rev.Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return r.sync.Claim(ctx, prop.ID), token
	}
	id0, _ := open(r0, "from r0")
	id1, token1 := open(r1, "from r1")
	if id0 != 1 || id1 != 1 {
		t.Fatalf("offline numbers %d and %d, want 1 and 1", id0, id1)
	}
	g.down.Store(false)
	r0.mustSync(t)
	r1.mustSync(t)
	r0.mustSync(t)
	for _, r := range []*replica{r0, r1} {
		one, err := r.rev.Get(ctx, 1)
		if err != nil || one.Title != "from r0" {
			t.Fatalf("%s: proposal 1 = %+v, %v", r.name, one, err)
		}
		two, err := r.rev.Get(ctx, 2)
		if err != nil || two.Title != "from r1" || two.Branch != "refs/heads/proposals/2" {
			t.Fatalf("%s: proposal 2 = %+v, %v", r.name, two, err)
		}
		if !two.CheckToken(token1) {
			t.Fatalf("%s: the renumbered proposal's private link no longer works", r.name)
		}
		for id, p := range map[int]*review.Proposal{1: one, 2: two} {
			head, err := r.repo.ResolveRef(ctx, p.Branch)
			if err != nil || head.String() != p.Head {
				t.Fatalf("%s: branch of proposal %d at %v (%v), record says %s", r.name, id, head, err, p.Head)
			}
			mustEqual(t, "upstream "+p.Branch, gitCmd(t, up, "rev-parse", p.Branch), p.Head)
		}
	}
	fsck(t, up)
	fsck(t, r0.repo.GitDir())
	fsck(t, r1.repo.GitDir())
}
