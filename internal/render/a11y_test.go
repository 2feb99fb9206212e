package render

import (
	"strings"
	"testing"
)

// TestScrollableRegionsFocusable: every code block and table, however it
// was written, can take keyboard focus once, so a reader without a mouse
// can scroll it sideways.
func TestScrollableRegionsFocusable(t *testing.T) {
	r := New(Config{})
	tests := []struct{ name, src, want string }{
		{"fenced, highlighted", "```go\nx := 1\n```\n", `<pre tabindex="0" class="chroma">`},
		{"fenced, plain", "```\nx\n```\n", `<pre tabindex="0"><code>x`},
		{"indented", "    x\n", `<pre tabindex="0"><code>x`},
		{"markdown table", "| a | b |\n|---|---|\n| 1 | 2 |\n", `<table tabindex="0">`},
		{"raw html", "<table><tr><td>x</td></tr></table>\n\n<PRE>y</PRE>\n", `<table tabindex="0"><tr><td>x</td></tr></table>`},
		{"tabindex given is replaced", `<pre tabindex="3">z</pre>`, `<pre tabindex="0">z</pre>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := string(r.Render([]byte(tc.src), Context{}).HTML)
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want it to contain %q", got, tc.want)
			}
			for _, tag := range []string{"<pre", "<table"} {
				if n, m := strings.Count(got, tag), strings.Count(got, tag+` tabindex="0"`)+strings.Count(got, tag+` class="chroma" tabindex="0"`); n != m {
					t.Errorf("%d of %d %s tags have tabindex=0: %q", m, n, tag, got)
				}
			}
		})
	}
}

// TestTaskItemsLabelled: a task checkbox is named by its item's line, also
// in a loose list, and a nested list stays outside the label.
func TestTaskItemsLabelled(t *testing.T) {
	r := New(Config{})
	tests := []struct{ name, src, want string }{
		{"tight", "- [x] Bring a [charger](https://x.example)\n- [ ] Plan\n",
			`<li><label><input checked="" disabled="" type="checkbox"> Bring a <a href="https://x.example" rel="nofollow noreferrer">charger</a></label></li>`},
		{"unchecked", "- [ ] Plan\n", `<li><label><input disabled="" type="checkbox"> Plan</label></li>`},
		{"loose", "- [ ] One\n\n- [x] Two\n", "<p><label><input disabled=\"\" type=\"checkbox\"> One</label></p>"},
		{"nested list outside", "- [ ] Parent\n  - [ ] Child\n", `<label><input disabled="" type="checkbox"> Parent</label>` + "\n<ul>\n<li><label><input disabled=\"\" type=\"checkbox\"> Child</label></li>"},
		{"two lines", "- [ ] First\n  second\n", "<label><input disabled=\"\" type=\"checkbox\"> First\nsecond</label>"},
		{"not a task", "- [link](x.md) here\n", `<li><a href="/x">link</a> here</li>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := r.Render([]byte(tc.src), Context{Page: "p"})
			if got := string(doc.HTML); !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want it to contain %q", got, tc.want)
			}
			if strings.Contains(doc.Text, "<") {
				t.Errorf("text %q", doc.Text)
			}
		})
	}
	if s := r.Summarize([]byte("- [x] Bring a charger\n"), "p.md"); s.Text != "Bring a charger" {
		t.Errorf("Summarize text %q", s.Text)
	}
}

// TestBareURLsMarked: a link written as its own address (a bare URL, or
// <URL>) carries class="url", so print does not repeat the address.
func TestBareURLsMarked(t *testing.T) {
	r := New(Config{})
	got := string(r.Render([]byte("See https://example.net/a, <https://example.org/b>, www.example.com and [the guide](https://example.net/g).\n"), Context{}).HTML)
	for _, want := range []string{
		`<a href="https://example.net/a" class="url" rel="nofollow noreferrer">https://example.net/a</a>`,
		`<a href="https://example.org/b" class="url" rel="nofollow noreferrer">https://example.org/b</a>`,
		`<a href="http://www.example.com" class="url" rel="nofollow noreferrer">www.example.com</a>`,
		`<a href="https://example.net/g" rel="nofollow noreferrer">the guide</a>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want it to contain %q", got, want)
		}
	}
}
