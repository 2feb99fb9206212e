package render

import (
	"fmt"
	"strings"
	"testing"
)

func TestLRUBytes(t *testing.T) {
	c := newLRU(0, 100, func(s string) int64 { return int64(len(s)) })
	c.put("a", strings.Repeat("x", 40)) // 41 with its key
	c.put("b", strings.Repeat("x", 40))
	if c.len() != 2 || c.held() != 82 {
		t.Fatalf("len %d, held %d; want 2, 82", c.len(), c.held())
	}
	c.get("a")
	c.put("c", strings.Repeat("x", 40)) // over 100: b, the oldest, goes
	if _, ok := c.get("b"); ok {
		t.Error("b survived eviction")
	}
	if c.held() > 100 {
		t.Errorf("holds %d bytes, over its budget of 100", c.held())
	}
	c.put("a", "short") // replacing an entry gives its bytes back
	if c.held() != 41+6 {
		t.Errorf("after replacing a: held %d, want 47", c.held())
	}
	c.put("big", strings.Repeat("x", 200)) // larger than the budget: not kept, nothing evicted
	if _, ok := c.get("big"); ok || c.len() != 2 {
		t.Errorf("a value over the whole budget was kept (len %d)", c.len())
	}
}

// TestRenderCacheBytes: the document cache follows its byte budget and
// keeps what a view shows, not the page's text and links.
func TestRenderCacheBytes(t *testing.T) {
	r := New(Config{CacheBytes: 64 << 10})
	src := []byte("---\ntags: [a]\ndescription: D\n---\n# Title\n\n## Part\n\n" + strings.Repeat("Some words and a [[link]]. ", 200))
	full := r.Render(src, Context{Page: "p", File: "p.md"})
	d := r.RenderCached("k", src, Context{Page: "p", File: "p.md"})
	if d.HTML != full.HTML || d.Title != "Title" || len(d.TOC) != 1 || d.FrontMatter.Description != "D" || len(d.FrontMatter.Tags) != 1 {
		t.Errorf("cached document lost what a view shows: title %q, toc %v, front matter %+v", d.Title, d.TOC, d.FrontMatter)
	}
	if d.Text != "" || d.Links != nil || d.Anchors != nil || d.FrontMatter.Raw != nil {
		t.Errorf("cached document keeps the summary: text %d bytes, %d links, %d anchors", len(d.Text), len(d.Links), len(d.Anchors))
	}
	for i := range 100 {
		r.RenderCached(fmt.Sprint(i), src, Context{Page: "p", File: "p.md"})
	}
	if held := r.docs.held(); held > 64<<10 {
		t.Errorf("document cache holds %d bytes, over its budget of %d", held, 64<<10)
	}
	if n := r.docs.len(); n < 2 || n >= 100 {
		t.Errorf("document cache holds %d entries of ~%d bytes in 64 KiB", n, docSize(d))
	}
}
