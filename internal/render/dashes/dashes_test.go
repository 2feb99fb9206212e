package dashes

import (
	"bytes"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

func convert(t *testing.T, md goldmark.Markdown, src string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestDashes(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(extension.Typographer, New()))
	tests := []struct{ name, in, want string }{
		{"long flag", "run it with --force now", "<p>run it with --force now</p>\n"},
		{"flag at start", "--help shows the options", "<p>--help shows the options</p>\n"},
		{"flag with value", "use --depth=1 or --depth 1", "<p>use --depth=1 or --depth 1</p>\n"},
		{"flag in quotes", `type "--yes"`, "<p>type &ldquo;--yes&rdquo;</p>\n"},
		{"flag in parentheses", "(see --verbose)", "<p>(see --verbose)</p>\n"},
		{"digit after", "--2 and 1--2", "<p>--2 and 1--2</p>\n"},
		{"non-ASCII letter", "--été", "<p>--été</p>\n"},
		{"class name", "the .btn--primary class", "<p>the .btn--primary class</p>\n"},
		{"three dashes before a letter", "---flag", "<p>---flag</p>\n"},
		{"en dash between spaces", "a -- b", "<p>a &ndash; b</p>\n"},
		{"em dash between spaces", "a --- b", "<p>a &mdash; b</p>\n"},
		{"em dash before punctuation", "wait---, then", "<p>wait&mdash;, then</p>\n"},
		{"dash at line end", "so --\nthen", "<p>so &ndash;\nthen</p>\n"},
		{"single dash", "ls -la", "<p>ls -la</p>\n"},
		{"escaped", `\--x`, "<p>--x</p>\n"},
		{"inline code", "`--force` and `a -- b`", "<p><code>--force</code> and <code>a -- b</code></p>\n"},
		{"code block", "```\ngit push --force -- a -- b\n```", "<pre><code>git push --force -- a -- b\n</code></pre>\n"},
		{"indented code", "    rm -- --x", "<pre><code>rm -- --x\n</code></pre>\n"},
		{"link text and destination", "[--x](a--b)", "<p><a href=\"a--b\">--x</a></p>\n"},
		{"thematic break", "---", "<hr>\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := convert(t, md, tc.in); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestTypographerAlone documents the bug this package fixes.
func TestTypographerAlone(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(extension.Typographer))
	if got := convert(t, md, "--force"); got != "<p>&ndash;force</p>\n" {
		t.Errorf("goldmark's typographer changed: %q", got)
	}
}
