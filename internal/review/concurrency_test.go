package review

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/store"
)

// TestRefreshDuringOpen: proposals opened while Refresh runs over and
// over. Refresh reads the branches in the records' turn, and Open takes
// its number in that turn too, so no new branch is ever seen without its
// record: every proposal keeps its private token, none is adopted as
// pushed, and no Open fails as busy.
func TestRefreshDuringOpen(t *testing.T) {
	f := mustFixture(t, map[string]string{"a.md": "# A\n"})
	const n = 12
	stop := make(chan struct{})
	refreshed := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				refreshed <- nil
				return
			default:
			}
			if err := f.rev.Refresh(ctx); err != nil {
				refreshed <- err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		prep := f.prepare(t, pages.Submission{Page: "a", Content: fmt.Sprintf("# A\n\nproposal %d\n", i), Summary: fmt.Sprintf("p%d", i)})
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := f.rev.Open(ctx, prep)
			errs <- err
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-refreshed; err != nil {
		t.Fatalf("refresh: %v", err)
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("open: %v", err)
		}
	}
	if err := f.rev.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	rs, err := f.rev.load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.byID) != n {
		t.Fatalf("%d records, want %d", len(rs.byID), n)
	}
	for id, p := range rs.byID {
		if p.Pushed || p.TokenHash == "" || p.State != Open {
			t.Errorf("proposal %d was adopted as pushed or lost its token: %+v", id, p)
		}
		if h, err := f.repo.ResolveRef(ctx, p.Branch); err != nil || h != p.HeadHash() {
			t.Errorf("proposal %d: branch at %v (%v), record says %s", id, h, err, p.Head)
		}
	}
}

// TestClaimer: a new proposal's number is settled by the claimer before
// Open returns, and Open answers with the number it settled on, found by
// its private token, when the claimer moved it.
func TestClaimer(t *testing.T) {
	f := mustFixture(t, map[string]string{"a.md": "# A\n"})
	var asked []int
	f.rev.SetClaimer(func(ctx context.Context, id int) int {
		asked = append(asked, id)
		if id != 1 {
			return id
		}
		// What the upstream sync does when another replica took 1 first:
		// branch and record move to 5.
		if err := moveProposal(ctx, f, 1, 5); err != nil {
			t.Error(err)
		}
		return 5
	})
	p, token, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "# A\n\nmine\n", Summary: "mine"}))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != 5 || p.Branch != BranchPrefix+"5" || !p.CheckToken(token) || p.Title != "mine" {
		t.Fatalf("Open answered %+v, want proposal 5 with its token", p)
	}
	p2, _, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "# A\n\nnext\n", Summary: "next"}))
	if err != nil || p2.ID != 6 {
		t.Fatalf("second proposal %+v, %v; want 6", p2, err)
	}
	if len(asked) != 2 || asked[0] != 1 || asked[1] != 6 {
		t.Fatalf("claimer asked for %v", asked)
	}
}

// moveProposal renumbers a proposal, branch and record, as a sync would.
func moveProposal(ctx context.Context, f *fixture, from, to int) error {
	return f.rev.update(ctx, func(rs *records) ([]int, []store.Hash, string, error) {
		p := rs.byID[from]
		head := p.HeadHash()
		if err := f.repo.UpdateRef(ctx, BranchPrefix+fmt.Sprint(to), head, store.ZeroHash); err != nil {
			return nil, nil, "", err
		}
		if err := f.repo.UpdateRef(ctx, p.Branch, store.ZeroHash, head); err != nil {
			return nil, nil, "", err
		}
		delete(rs.byID, from)
		p.ID, p.Branch = to, BranchPrefix+fmt.Sprint(to)
		rs.byID[to] = p
		return []int{to}, nil, "move", nil
	})
}
