package upstream

import (
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
)

// TestMergeTrees: what merges cleanly and what is left to a person.
func TestMergeTrees(t *testing.T) {
	base := map[string]string{"a.md": "one\n\n\ntwo\n\n\nthree\n", "b.md": "b\n", "dir/c.md": "c\n", "bin": "\x00\x01"}
	for _, tc := range []struct {
		name         string
		ours, theirs map[string]*string // nil value: delete
		want         map[string]string  // files written (content) or deleted ("")
		conflicts    []string
	}{
		{name: "theirs only", theirs: files("b.md", "B\n", "new.md", "new\n"), want: map[string]string{"b.md": "B\n", "new.md": "new\n"}},
		{name: "ours only", ours: files("b.md", "B\n"), want: map[string]string{}},
		{name: "same change", ours: files("b.md", "B\n"), theirs: files("b.md", "B\n"), want: map[string]string{}},
		{name: "text merges", ours: files("a.md", "one!\n\n\ntwo\n\n\nthree\n"), theirs: files("a.md", "one\n\n\ntwo\n\n\nthree!\n"),
			want: map[string]string{"a.md": "one!\n\n\ntwo\n\n\nthree!\n"}},
		{name: "overlap", ours: files("a.md", "one ours\n\n\ntwo\n\n\nthree\n"), theirs: files("a.md", "one theirs\n\n\ntwo\n\n\nthree\n"), conflicts: []string{"a.md"}},
		{name: "deleted there", theirs: map[string]*string{"b.md": nil}, want: map[string]string{"b.md": ""}},
		{name: "delete against edit", ours: files("b.md", "B\n"), theirs: map[string]*string{"b.md": nil}, conflicts: []string{"b.md"}},
		{name: "binary", ours: files("bin", "\x00\x02"), theirs: files("bin", "\x00\x03"), conflicts: []string{"bin"}},
		{name: "crlf", ours: files("b.md", "b\r\nours\r\n"), theirs: files("b.md", "theirs\r\nb\r\n"), conflicts: []string{"b.md"}},
		{name: "file over folder", ours: files("x/y.md", "y\n"), theirs: files("x", "x\n"), conflicts: []string{"x"}},
		{name: "folder over file", ours: files("x", "x\n"), theirs: files("x/y.md", "y\n"), conflicts: []string{"x/y.md"}},
		{name: "both add alike", ours: files("n.md", "n\n"), theirs: files("n.md", "n\n"), want: map[string]string{}},
		{name: "both add apart", ours: files("n.md", "n1\n"), theirs: files("n.md", "n2\n"), conflicts: []string{"n.md"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := treeRepo(t, base)
			b, _ := repo.ResolveRef(ctx, "refs/heads/main")
			o := change(t, repo, b, tc.ours)
			th := change(t, repo, b, tc.theirs)
			writes, conflicts, err := MergeTrees(ctx, repo, b, o, th)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(conflicts, tc.conflicts) {
				t.Fatalf("conflicts = %v, want %v", conflicts, tc.conflicts)
			}
			got := map[string]string{}
			for _, w := range writes {
				got[w.Path] = string(w.Content)
			}
			if tc.conflicts == nil && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("writes = %q, want %q", got, tc.want)
			}
		})
	}
}

func files(kv ...string) map[string]*string {
	m := map[string]*string{}
	for i := 0; i < len(kv); i += 2 {
		v := kv[i+1]
		m[kv[i]] = &v
	}
	return m
}

func treeRepo(tb testing.TB, files map[string]string) *store.Repo {
	tb.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	r, err := store.Init(filepath.Join(tb.TempDir(), "t.git"), "main", m, store.Signature{Name: "i", Email: "i@x", When: time.Now()}, "init")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

func change(tb testing.TB, r *store.Repo, base store.Hash, files map[string]*string) store.Hash {
	tb.Helper()
	var writes []store.FileWrite
	for p, c := range files {
		if c == nil {
			writes = append(writes, store.FileWrite{Path: p, Delete: true})
			continue
		}
		writes = append(writes, store.FileWrite{Path: p, Content: []byte(*c)})
	}
	if p, ok := files["x"]; ok && p != nil {
		// A file where the other side may have a folder: drop the folder.
		writes = append(writes, store.FileWrite{Path: "x/y.md", Delete: true})
	}
	c, err := r.WriteCommit(ctx, base, writes, store.CommitInfo{Author: wikiSig, Committer: wikiSig, Message: "change"})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestMergeRecord: both replicas changed one proposal's record.
func TestMergeRecord(t *testing.T) {
	s := &Syncer{cfg: Config{Repo: treeRepo(t, map[string]string{"x": "x"})}}
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	c := func(who string, min int) review.Comment {
		return review.Comment{Author: who, Date: t0.Add(time.Duration(min) * time.Minute), Text: "by " + who}
	}
	base := &review.Proposal{ID: 3, Title: "T", State: review.Open, Updated: t0, Comments: []review.Comment{c("a", 0)}}
	ours := *base
	ours.Comments = append(ours.Comments, c("ours", 2))
	ours.Title, ours.Updated = "T, retitled here", t0.Add(2*time.Minute)
	theirs := *base
	theirs.Comments = append(theirs.Comments, c("theirs", 1))
	theirs.State, theirs.DecidedBy, theirs.Reason, theirs.Updated = review.Rejected, "Mara", "no", t0.Add(time.Minute)
	got, err := s.mergeRecord(ctx, base, &ours, &theirs)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "T, retitled here" || got.State != review.Rejected || got.DecidedBy != "Mara" || got.Reason != "no" {
		t.Fatalf("merged record = %+v", got)
	}
	var who []string
	for _, cm := range got.Comments {
		who = append(who, cm.Author)
	}
	if !reflect.DeepEqual(who, []string{"a", "theirs", "ours"}) {
		t.Fatalf("comments by %v, want a, theirs, ours", who)
	}
	merged := theirs
	merged.State = review.Merged
	if got, _ := s.mergeRecord(ctx, base, &merged, &theirs); got.State != review.Merged {
		t.Fatalf("merged and rejected: %s, want merged", got.State)
	}
}
