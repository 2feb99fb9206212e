package site

import (
	"testing"

	"github.com/gitwiki/gitwiki/internal/render"
)

// TestPageText: with a facts cache the read model keeps no page text, and
// PageText reads it back, the same as a model without a cache holds: from
// the cache after a restart, after compaction, and from the source when
// the cache is lost.
func TestPageText(t *testing.T) {
	files := map[string]string{"index.md": "# Home\n\nWelcome home.\n", "a.md": "---\ntitle: A\n---\nAlpha *text* here.\n\n## Part\n\nMore.\n", "empty.md": "# Empty\n"}
	plain, l := MustSite(t, files)
	want := map[string]string{}
	for _, p := range plain.Pages() {
		got, err := plain.PageText(ctx, p)
		if err != nil || got != p.Summary.Text {
			t.Fatalf("no cache: %q, %v", got, err)
		}
		want[p.File] = got
	}
	if want["a.md"] == "" {
		t.Fatal("a.md has no text")
	}
	dir := t.TempDir()
	check := func(how string, st *Site) {
		t.Helper()
		for _, p := range st.Pages() {
			if p.Summary.Text != "" {
				t.Errorf("%s: %s keeps its text in memory", how, p.File)
			}
			if got, err := st.PageText(ctx, p); err != nil || got != want[p.File] {
				t.Errorf("%s: %s text %q (%v), want %q", how, p.File, got, err, want[p.File])
			}
		}
	}
	open := func() (*Loader, *Site) {
		nl, err := NewLoader(l.Repo(), render.New(render.Config{}), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := nl.UseCache(dir); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nl.Close)
		st, err := nl.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		nl.bg.Wait()
		return nl, st
	}
	_, st := open()
	check("first start", st)
	nl, st := open()
	check("restart", st)
	nl.facts.mu.Lock()
	err := nl.facts.compact(st.Pages())
	nl.facts.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	check("compacted", st)
	_, st2 := open()
	check("restart after compaction", st2)
	nl.facts.mu.Lock()
	nl.facts.off()
	nl.facts.mu.Unlock()
	check("cache lost", st)
}
