package merge

import (
	"fmt"
	"strings"
	"testing"
)

// fmtOps prints ops one per line, as "kind line|line".
func fmtOps(ops []Op) string {
	var sb strings.Builder
	for _, op := range ops {
		fmt.Fprintf(&sb, "%s %s\n", op.Kind, strings.Join(op.Lines, "|"))
	}
	return sb.String()
}

func TestLines(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"both empty", "", "", ""},
		{"identical", "a\nb\n", "a\nb\n", "equal a|b\n"},
		{"changed line", "a\nb\nc\n", "a\nB\nc\n", "equal a\ndel b\nadd B\nequal c\n"},
		{"a empty", "", "x\ny\n", "add x|y\n"},
		{"b empty", "x\ny\n", "", "del x|y\n"},
		{"insert at start", "b\nc\n", "a\nb\nc\n", "add a\nequal b|c\n"},
		{"delete at end", "a\nb\nc\n", "a\nb\n", "equal a|b\ndel c\n"},
		{"missing final newline is no change", "a\nb", "a\nb\n", "equal a|b\n"},
		{"no final newline, last line changed", "a\nb", "a\nc", "equal a\ndel b\nadd c\n"},
		{"CRLF reads as LF", "a\r\nb\r\n", "a\nb\n", "equal a|b\n"},
		{"lone CR is content", "a\rb\n", "a\nb\n", "del a\rb\nadd a|b\n"},
		{"blank lines", "a\n\n\nb\n", "a\n\nb\n", "equal a|\ndel \nequal b\n"},
		{"only a newline", "\n", "", "del \n"},
		{"blank line added between paragraphs slides down", "p\n\nq\n", "p\n\nx\n\nq\n", "equal p|\nadd x|\nequal q\n"},
		{"unicode", "naïve\n日本\n", "naïve\n日本語\n", "equal naïve\ndel 日本\nadd 日本語\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmtOps(Lines(tc.a, tc.b)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStats(t *testing.T) {
	tests := []struct {
		name, a, b     string
		added, deleted int
	}{
		{"identical", "a\nb\n", "a\nb\n", 0, 0},
		{"changed line", "a\nb\nc\n", "a\nB\nc\n", 1, 1},
		{"new file", "", "a\nb\nc\n", 3, 0},
		{"deleted file", "a\nb\n", "", 0, 2},
		{"CRLF and final newline", "a\r\nb\r\n", "a\nb", 0, 0},
		{"mixed", "1\n2\n3\n4\n", "1\nx\ny\n3\n", 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			added, deleted := Stats(tc.a, tc.b)
			if added != tc.added || deleted != tc.deleted {
				t.Errorf("got +%d -%d, want +%d -%d", added, deleted, tc.added, tc.deleted)
			}
		})
	}
}
