package pages

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/gitwiki/gitwiki/internal/store"
)

// fakeProposer counts the proposals Save opens.
type fakeProposer struct{ opened, changes int }

func (f *fakeProposer) Open(context.Context, *Prepared) (int, string, error) {
	f.opened++
	return f.opened + f.changes, "token", nil
}

func (f *fakeProposer) OpenChange(context.Context, store.Hash, *Change) (int, string, error) {
	f.changes++
	return f.opened + f.changes, "token", nil
}

func (f *fakeProposer) Revise(context.Context, int, string, bool, *Prepared) (*Result, error) {
	return &Result{}, nil
}

func (f *fakeProposer) Head(context.Context, int) (store.Hash, error) { return store.ZeroHash, nil }

// TestHold: while the hold is on (the upstream diverged), what would be a
// commit on the served branch, a maintainer's edit or any edit under the
// open policy, and a move, becomes a proposal; once it is off, edits are
// committed again.
func TestHold(t *testing.T) {
	s, repo := MustService(t, map[string]string{"wiki.yaml": "edit_policy: open\n", "p.md": "# P\n"})
	fp := &fakeProposer{}
	s.SetProposer(fp)
	var held atomic.Bool
	s.SetHold(held.Load)
	before := head(t, repo)

	held.Store(true)
	for _, who := range []Who{{Account: "mara", Maintainer: true}, {}} {
		out, err := s.Save(ctx, Submission{Page: "p", Content: "# P\n\nheld\n", Base: before.String(), Name: "Ana"}, who)
		if err != nil || out.Dest != Proposed {
			t.Fatalf("%+v: held save went to %+v, %v; want a proposal", who, out, err)
		}
	}
	out, err := s.SaveChange(ctx, s.Delete("p", AccountIdentity("mara"), "remove"), before.String(), Who{Account: "mara", Maintainer: true}, false)
	if err != nil || out.Dest != Proposed {
		t.Fatalf("held delete went to %+v, %v; want a proposal", out, err)
	}
	if head(t, repo) != before || fp.opened != 2 || fp.changes != 1 {
		t.Fatalf("held edits moved the branch, or were not proposed: %+v", fp)
	}

	held.Store(false)
	out, err = s.Save(ctx, Submission{Page: "p", Content: "# P\n\nfree\n", Base: before.String()}, Who{Account: "mara", Maintainer: true})
	if err != nil || out.Dest != Committed || head(t, repo) == before {
		t.Fatalf("save after the hold: %+v, %v; want a commit", out, err)
	}
}
