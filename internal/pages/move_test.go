package pages

import (
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/render"
)

func TestMoveRewritesLinks(t *testing.T) {
	s, repo := MustService(t, map[string]string{
		"A.md":         "# A\n\nSee [[B]], [[b#Part|the part]] and [text](B.md#x). Not `[[B]]` in code.\n",
		"sub/C.md":     "# C\n\n[up](../B.md) and [[A]]\n",
		"B.md":         "---\ntitle: Bee\n---\nBack to [a](A.md) and [c](sub/C.md).\n",
		"Unrelated.md": "[[A]]\n",
	})
	c, err := s.Apply(ctx, "refs/heads/main", s.Move("B", "Guides/B2", Anonymous, ""))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A.md":         "# A\n\nSee [[Guides/B2|B]], [[Guides/B2#Part|the part]] and [text](Guides/B2.md#x). Not `[[B]]` in code.\n",
		"sub/C.md":     "# C\n\n[up](../Guides/B2.md) and [[A]]\n",
		"Guides/B2.md": "---\ntitle: Bee\naliases: [B]\n---\nBack to [a](../A.md) and [c](../sub/C.md).\n",
		"Unrelated.md": "[[A]]\n",
	}
	for file, w := range want {
		got := read(t, repo, file)
		if got != w {
			t.Errorf("%s:\ngot  %q\nwant %q", file, got, w)
		}
	}
	if _, _, ok, _ := repo.ReadFileAt(ctx, c, "B.md", 0); ok {
		t.Fatal("old file kept")
	}
	st, err := s.loader.At(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if target, ok := st.Alias("B"); !ok || target != "Guides/B2" {
		t.Fatalf("alias: %q %v", target, ok)
	}
	for _, p := range st.Pages() {
		doc, _ := st.Render(ctx, p, render.ServerURLs{}, "t")
		if strings.Contains(string(doc.HTML), `class="missing"`) {
			t.Errorf("%s has a missing link after the move:\n%s", p.Name, doc.HTML)
		}
	}
	// Moving onto an existing page, or a page that is gone, is refused.
	if _, err := s.Apply(ctx, "refs/heads/main", s.Move("A", "Unrelated", Anonymous, "")); err == nil || err.(*Problem).Kind != Exists {
		t.Fatalf("move onto existing page: %v", err)
	}
	if _, err := s.Apply(ctx, "refs/heads/main", s.Move("B", "X", Anonymous, "")); err == nil || err.(*Problem).Kind != Gone {
		t.Fatalf("move of a moved page: %v", err)
	}
	if _, err := s.Apply(ctx, "refs/heads/main", s.Delete("Unrelated", Anonymous, "")); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.loader.At(ctx, head(t, repo)); st.Exists("Unrelated") {
		t.Fatal("page not deleted")
	}
}
