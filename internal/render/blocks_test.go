package render

import (
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2/lexers"
)

// TestBlocksAreSanitized: in every language chroma knows, a highlighted
// block must be one the sanitizer leaves as it is, even for code that
// looks like markup, entities and control characters, and one cleanForm
// takes, so that pages with code skip the policy's second pass.
func TestBlocksAreSanitized(t *testing.T) {
	const code = "func main() { x := \"a<b>&amp;'\\\"\" // </code></pre><script>alert(1)</script>\n" +
		"\t<a href=\"javascript:alert(1)\" onclick='y'>é 中 &#0; 1.5e3 @x #y $z %w</a>\n" +
		"SELECT * FROM t WHERE a = 'b'; -- c\n<?php echo $x; ?> {{ .X }} <%= y %>\n"
	const controls = "a \x00 b \x7f c \x1b d\n"
	r := New(Config{})
	block := regexp.MustCompile(`(?s)<pre tabindex="0" class="chroma">.*?</code></pre>`)
	names := lexers.Names(false)
	if len(names) < 100 {
		t.Fatalf("only %d lexers", len(names))
	}
	highlighted := 0
	for _, name := range names {
		if strings.ContainsAny(name, " \n`") {
			continue // not a fence's info string
		}
		for _, src := range []string{code, controls} {
			doc := r.Render([]byte("```"+name+"\n"+src+"```\n"), Context{File: "a.md"})
			for _, b := range block.FindAllString(string(doc.HTML), -1) {
				if again := string(r.Sanitize(b)); again != b {
					t.Errorf("%s: the sanitizer changes the block:\n%q\n%q", name, b, again)
				}
				if src == code {
					highlighted++
					if _, ok := cleanForm(b); !ok {
						t.Errorf("%s: block outside cleanForm's grammar (the policy runs on it): %q", name, b)
					}
				}
			}
			if err := checkSafeHTML(string(doc.HTML)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if highlighted < len(names)/2 {
		t.Errorf("only %d of %d languages highlighted", highlighted, len(names))
	}
}

// TestHighlightEveryLexerEnds renders a fence of every language chroma
// knows around each character class a lexer may have no rule for. JSONata
// and Jungle once looped for ever on "é", holding a core and growing
// memory (highlight.tokeniseOnce); a hang here fails the suite by its
// timeout rather than by a clock.
func TestHighlightEveryLexerEnds(t *testing.T) {
	r := New(Config{})
	for _, name := range lexers.Names(false) {
		if strings.ContainsAny(name, " \n`") {
			continue
		}
		for _, code := range []string{"é", "\x00", "x", "\"", "'", "<", "{", "(", "/*", "#", "$", "\\", "`", "\t", "中"} {
			doc := r.Render([]byte("```"+name+"\n"+code+"\n```\n"), Context{File: "a.md"})
			if !strings.Contains(string(doc.HTML), "<pre") {
				t.Errorf("%s on %q: no code block in %q", name, code, doc.HTML)
			}
		}
	}
}
