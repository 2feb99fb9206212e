package review

import (
	"errors"
	"testing"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// TestStanding: a proposal says it conflicts as soon as main changes the
// same lines, names the other open proposals on its file and whether they
// clash, and the page lists its open proposals; nothing is written.
func TestStanding(t *testing.T) {
	f := mustFixture(t, map[string]string{"a.md": "one\ntwo\nthree\n", "b.md": "bee\n"})
	open := func(page, text string) *Proposal {
		t.Helper()
		p, _, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: wikipath.Page(page), Content: text}))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p1 := open("a", "one\nTWO by Ana\nthree\n")
	p2 := open("a", "one\nTWO by Ben\nthree\n")
	p3 := open("a", "one\ntwo\nthree\nfour by Cai\n")
	open("b", "bee by Dan\n")

	st, err := f.rev.Standing(ctx, p1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Conflict != nil {
		t.Fatalf("p1 conflicts with an unchanged main: %+v", st.Conflict)
	}
	clash := map[int]bool{}
	for _, o := range st.Overlaps {
		clash[o.Proposal.ID] = o.Conflicts
		if len(o.Paths) != 1 || o.Paths[0] != "a.md" {
			t.Errorf("overlap %d paths %v", o.Proposal.ID, o.Paths)
		}
	}
	if len(clash) != 2 || !clash[p2.ID] || clash[p3.ID] {
		t.Fatalf("overlaps of p1: %v (want %d clashing, %d not)", clash, p2.ID, p3.ID)
	}

	forA, err := f.rev.ForPage(ctx, "a")
	if err != nil || len(forA) != 3 || forA[0].ID != p1.ID {
		t.Fatalf("ForPage(a) = %v, %v", ids(forA), err)
	}
	if n, err := f.rev.Waiting(ctx); err != nil || n != 4 {
		t.Fatalf("Waiting = %d, %v", n, err)
	}

	meta, _ := f.repo.ResolveRef(ctx, MetaRef)
	v1, _ := f.rev.Version(ctx)
	// Main takes Ben's line directly: Ana's proposal now conflicts.
	if _, err := f.pages.Commit(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "one\nTWO by Eve\nthree\n"})); err != nil {
		t.Fatal(err)
	}
	st, err = f.rev.Standing(ctx, p1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Conflict == nil || len(st.Conflict.Files) != 1 || len(st.Conflict.Files[0].Blocks) != 1 {
		t.Fatalf("p1 after main changed: %+v", st.Conflict)
	}
	b := st.Conflict.Files[0].Blocks[0]
	if b.Proposal != "TWO by Ana\n" || b.Main != "TWO by Eve\n" || b.Base != "two\n" {
		t.Fatalf("block %+v", b)
	}
	if v2, _ := f.rev.Version(ctx); v2 == v1 {
		t.Fatal("Version did not change when main moved")
	}
	if after, _ := f.repo.ResolveRef(ctx, MetaRef); after != meta {
		t.Fatal("checking a proposal's standing wrote a record")
	}
}

func ids(ps []*Proposal) []int {
	var out []int
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// TestResolveBlocks applies per-block choices and merges the result.
func TestResolveBlocks(t *testing.T) {
	f := mustFixture(t, map[string]string{"a.md": "head\none\nmiddle\ntwo\ntail\n"})
	p, _, err := f.rev.Open(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "head\nONE-p\nmiddle\nTWO-p\ntail\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.pages.Commit(ctx, f.prepare(t, pages.Submission{Page: "a", Content: "head\nONE-m\nmiddle\nTWO-m\ntail\n"})); err != nil {
		t.Fatal(err)
	}
	main := f.head(t)
	mc, err := f.rev.ConflictAt(ctx, p, main)
	if err != nil || mc == nil || len(mc.Files[0].Blocks) != 2 {
		t.Fatalf("conflict: %+v, %v", mc, err)
	}
	fc := mc.Files[0]
	for _, tc := range []struct {
		name    string
		choices []Choice
		want    string
		err     error
	}{
		{"proposal, main", []Choice{{Keep: KeepProposal}, {Keep: KeepMain}}, "head\nONE-p\nmiddle\nTWO-m\ntail\n", nil},
		{"both, edited", []Choice{{Keep: KeepBoth}, {Keep: KeepEdited, Text: "two, agreed"}}, "head\nONE-p\nONE-m\nmiddle\ntwo, agreed\ntail\n", nil},
		{"edited to nothing", []Choice{{Keep: KeepEdited}, {Keep: KeepMain}}, "head\nmiddle\nTWO-m\ntail\n", nil},
		{"one unanswered", []Choice{{Keep: KeepProposal}, {}}, "", ErrUnchosen},
		{"too few", []Choice{{Keep: KeepProposal}}, "", ErrUnchosen},
	} {
		got, err := fc.Resolve(tc.choices)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q, %v", tc.name, got, err, tc.want, tc.err)
		}
	}
	text, _ := fc.Resolve([]Choice{{Keep: KeepProposal}, {Keep: KeepMain}})
	c, err := f.rev.Merge(ctx, p.ID, maint, "", store.ZeroHash, &Resolution{Head: main, Files: map[string][]byte{fc.Path: []byte(text)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.read(t, c, "a.md"); got != text {
		t.Fatalf("merged %q", got)
	}
}
