package render

import (
	"strings"
	"testing"
)

func TestSanitizeSource(t *testing.T) {
	r := New(Config{})
	cases := []struct {
		name, in, want string
		notes          int
	}{
		{"plain markdown untouched", "# T\n\n*a* [b](c.md) <https://x.org>\n", "# T\n\n*a* [b](c.md) <https://x.org>\n", 0},
		{"safe html kept", "<details><summary>S</summary>\n\nText\n\n</details>\n", "<details><summary>S</summary>\n\nText\n\n</details>\n", 0},
		{"script block", "A\n\n<script>alert(1)</script>\n\nB\n", "A\n\n\n\nB\n", 1},
		{"inline handler", "Hi <img src=x onerror=alert(1)> there\n", "Hi <img src=\"x\"> there\n", 1},
		{"style attribute", "<p style=\"color:red\">x</p>\n", "<p>x</p>\n", 1},
		{"javascript link", "[x](javascript:alert(1))\n", "[x](#)\n", 1},
		{"javascript image", "![x](JaVaScRiPt:alert(1))\n", "![x](#)\n", 1},
		{"data html link", "[x](data:text/html;base64,PHNjcmlwdD4=)\n", "[x](#)\n", 1},
		{"autolink", "<javascript:alert(1)>\n", "<#>\n", 1},
		{"front matter kept", "---\ntitle: \"a: b\"\n---\n<script>x</script>\n", "---\ntitle: \"a: b\"\n---\n\n", 1},
		{"iframe", "<iframe src=\"https://evil.example\"></iframe>\n", "\n", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, notes := r.SanitizeSource([]byte(tc.in))
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if len(notes) < tc.notes || (tc.notes == 0 && len(notes) > 0) {
				t.Errorf("got notes %q, want %d", notes, tc.notes)
			}
			for _, n := range notes {
				if !strings.HasPrefix(n, "Line ") {
					t.Errorf("note %q does not say where", n)
				}
			}
		})
	}
}

// TestSanitizeSourceInGuardedBlocks: where the guard shows a block's
// brackets as text, a script link in it is still removed from the source,
// since other markdown readers would make it a link.
func TestSanitizeSourceInGuardedBlocks(t *testing.T) {
	r := New(Config{})
	flood := strings.Repeat("[](", 3000)
	for _, link := range []string{"[x](javascript:alert(1))", "[x]( <javascript:alert(1)>)", "![x](data:text/html,x)"} {
		in := flood + " " + link + " [ok](https://example.org)\n"
		if !strings.Contains(string(r.Render([]byte(in), Context{}).HTML), "javascript:") && !strings.Contains(link, "data:") {
			t.Fatal("the guard did not show the block as text; this test needs a bigger flood")
		}
		got, notes := r.SanitizeSource([]byte(in))
		if strings.Contains(string(got), "javascript:") || strings.Contains(string(got), "data:") {
			t.Errorf("%s: script link kept", link)
		}
		if !strings.Contains(string(got), "[ok](https://example.org)") || !strings.HasPrefix(string(got), flood) {
			t.Errorf("%s: other text changed", link)
		}
		if len(notes) != 1 {
			t.Errorf("%s: notes %q", link, notes)
		}
	}
}

func TestChromaClassesWithDigitsSurvive(t *testing.T) {
	doc := New(Config{}).Render([]byte("```go\n// a comment\nvar s = \"str\"\n```\n"), Context{})
	for _, class := range []string{`class="c1"`, `class="s"`} {
		if !strings.Contains(string(doc.HTML), class) {
			t.Errorf("%s lost:\n%s", class, doc.HTML)
		}
	}
}
