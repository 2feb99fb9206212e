package merge

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// fmtRows prints rows one per line: kind, line numbers, then each side
// with changed spans in [brackets].
func fmtRows(rows []Row) string {
	var sb strings.Builder
	for _, r := range rows {
		if r.Kind == Skip {
			fmt.Fprintf(&sb, "skip %d:%d x%d\n", r.LeftNum, r.RightNum, r.Skip)
			continue
		}
		fmt.Fprintf(&sb, "%s %d:%d %s|%s\n", r.Kind, r.LeftNum, r.RightNum, fmtSpans(r.Left), fmtSpans(r.Right))
	}
	return sb.String()
}

func fmtSpans(spans []Span) string {
	var sb strings.Builder
	for _, s := range spans {
		if s.Changed {
			sb.WriteString("[" + s.Text + "]")
		} else {
			sb.WriteString(s.Text)
		}
	}
	return sb.String()
}

// numbered returns lines "1\n" to "n\n".
func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i+1) + "\n"
	}
	return out
}

func numberedWith(n int, repl map[int]string) string {
	lines := numbered(n)
	for i, s := range repl {
		lines[i-1] = s
	}
	return strings.Join(lines, "")
}

func TestSideBySide(t *testing.T) {
	twenty := strings.Join(numbered(20), "")
	tests := []struct {
		name    string
		a, b    string
		context int
		want    string
	}{
		{"identical", "a\nb\n", "a\nb\n", 3, ""},
		{"identical, full view", "a\nb\n", "a\nb", -1, ""},
		{"both empty", "", "", 3, ""},
		{"new file", "", "x\n\ny\n", 3, "add 0:1 |x\nadd 0:2 |\nadd 0:3 |y\n"},
		{"deleted file", "x\ny", "", 3, "del 1:0 x|\ndel 2:0 y|\n"},
		{
			"changed words",
			"the quick brown fox\n", "the slow brown fox\n", 3,
			"change 1:1 the [quick] brown fox|the [slow] brown fox\n",
		},
		{
			"changed phrase includes the blanks inside it",
			"a b c d\n", "a x  y d\n", 3,
			"change 1:1 a [b c] d|a [x  y] d\n",
		},
		{
			"punctuation is its own token",
			"Hello, world.\n", "Hello; world!\n", 3,
			"change 1:1 Hello[,] world[.]|Hello[;] world[!]\n",
		},
		{
			"CJK marks single characters",
			"日本語の文章\n", "日本人の文章\n", 3,
			"change 1:1 日本[語]の文章|日本[人]の文章\n",
		},
		{
			"accented word",
			"un café noir\n", "un thé noir\n", 3,
			"change 1:1 un [café] noir|un [thé] noir\n",
		},
		{
			"text is not escaped",
			"<b>&amp;</b>\n", "<i>&amp;</i>\n", 3,
			"change 1:1 <[b]>&amp;</[b]>|<[i]>&amp;</[i]>\n",
		},
		{
			"extra deleted lines after pairs",
			"a\nb\nc\nz\n", "A\nz\n", 3,
			"change 1:1 [a]|[A]\ndel 2:0 b|\ndel 3:0 c|\nequal 4:2 z|z\n",
		},
		{
			"extra added lines after pairs",
			"a\nz\n", "A\nB\nz\n", 3,
			"change 1:1 [a]|[A]\nadd 0:2 |B\nequal 2:3 z|z\n",
		},
		{
			"changed to empty line",
			"a\nb\nc\n", "a\n\nc\n", 3,
			"equal 1:1 a|a\nchange 2:2 [b]|\nequal 3:3 c|c\n",
		},
		{
			"folds far context",
			twenty, numberedWith(20, map[int]string{10: "ten\n"}), 3,
			"skip 1:1 x6\nequal 7:7 7|7\nequal 8:8 8|8\nequal 9:9 9|9\nchange 10:10 [10]|[ten]\n" +
				"equal 11:11 11|11\nequal 12:12 12|12\nequal 13:13 13|13\nskip 14:14 x7\n",
		},
		{
			"folds between changes",
			twenty, numberedWith(20, map[int]string{2: "two\n", 19: "nineteen\n"}), 1,
			"equal 1:1 1|1\nchange 2:2 [2]|[two]\nequal 3:3 3|3\nskip 4:4 x14\nequal 18:18 18|18\n" +
				"change 19:19 [19]|[nineteen]\nequal 20:20 20|20\n",
		},
		{
			"never folds a single line",
			numberedWith(5, nil), numberedWith(5, map[int]string{5: "five\n"}), 3,
			"equal 1:1 1|1\nequal 2:2 2|2\nequal 3:3 3|3\nequal 4:4 4|4\nchange 5:5 [5]|[five]\n",
		},
		{
			"context zero",
			numberedWith(5, nil), numberedWith(5, map[int]string{3: "three\n"}), 0,
			"skip 1:1 x2\nchange 3:3 [3]|[three]\nskip 4:4 x2\n",
		},
		{
			"negative context keeps every line",
			numberedWith(5, nil), numberedWith(5, map[int]string{3: "three\n"}), -1,
			"equal 1:1 1|1\nequal 2:2 2|2\nchange 3:3 [3]|[three]\nequal 4:4 4|4\nequal 5:5 5|5\n",
		},
		{
			"line numbers shift after insertions",
			"a\nb\n", "x\ny\na\nb\n", -1,
			"add 0:1 |x\nadd 0:2 |y\nequal 1:3 a|a\nequal 2:4 b|b\n",
		},
		{
			"CRLF against LF",
			"a\r\nb\r\n", "a\nB\n", -1,
			"equal 1:1 a|a\nchange 2:2 [b]|[B]\n",
		},
		{
			"no trailing newline",
			"a\nb", "a\nb\nc", -1,
			"equal 1:1 a|a\nequal 2:2 b|b\nadd 0:3 |c\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := SideBySide(tc.a, tc.b, tc.context)
			if got := fmtRows(rows); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			checkRows(t, tc.a, tc.b, tc.context, rows)
		})
	}
}

// checkRows checks that rows hold a and b: line numbers ascend without
// gaps, Skip rows counted, and spans rebuild each line exactly.
func checkRows(t testing.TB, a, b string, context int, rows []Row) {
	t.Helper()
	la, lb := displayLines(a), displayLines(b)
	if rows == nil {
		if strings.Join(la, "\n") != strings.Join(lb, "\n") || len(la) != len(lb) {
			t.Fatalf("no rows for different texts %q and %q", a, b)
		}
		return
	}
	i, j := 0, 0
	for _, r := range rows {
		left, right := fmtPlain(r.Left), fmtPlain(r.Right)
		switch r.Kind {
		case Skip:
			if context < 0 || r.Skip < 2 || r.LeftNum != i+1 || r.RightNum != j+1 {
				t.Fatalf("bad skip row %+v at %d:%d", r, i, j)
			}
			for k := range r.Skip {
				if la[i+k] != lb[j+k] {
					t.Fatalf("skip row folds different lines %q and %q", la[i+k], lb[j+k])
				}
			}
			i += r.Skip
			j += r.Skip
			continue
		case Equal, Change:
			if r.LeftNum != i+1 || r.RightNum != j+1 || left != la[i] || right != lb[j] {
				t.Fatalf("row %+v does not match lines %d:%d %q|%q", r, i+1, j+1, la[i], lb[j])
			}
			if r.Kind == Equal && left != right {
				t.Fatalf("equal row with different sides %+v", r)
			}
			i++
			j++
		case Del:
			if r.LeftNum != i+1 || r.RightNum != 0 || left != la[i] || r.Right != nil {
				t.Fatalf("row %+v does not match line %d %q", r, i+1, la[i])
			}
			i++
		case Add:
			if r.RightNum != j+1 || r.LeftNum != 0 || right != lb[j] || r.Left != nil {
				t.Fatalf("row %+v does not match line %d %q", r, j+1, lb[j])
			}
			j++
		}
		for _, spans := range [][]Span{r.Left, r.Right} {
			for k, s := range spans {
				if s.Text == "" || (k > 0 && spans[k-1].Changed == s.Changed) {
					t.Fatalf("spans not minimal: %+v", spans)
				}
			}
		}
	}
	if i != len(la) || j != len(lb) {
		t.Fatalf("rows cover %d:%d lines of %d:%d", i, j, len(la), len(lb))
	}
}

func fmtPlain(spans []Span) string {
	var sb strings.Builder
	for _, s := range spans {
		sb.WriteString(s.Text)
	}
	return sb.String()
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"the quick  fox", []string{"the", " ", "quick", "  ", "fox"}},
		{"snake_case x2", []string{"snake_case", " ", "x2"}},
		{"a,b.", []string{"a", ",", "b", "."}},
		{"naïve café", []string{"naïve", " ", "café"}},
		{"日本語abc", []string{"日", "本", "語", "abc"}},
		{"\t[[Page|x]]", []string{"\t", "[", "[", "Page", "|", "x", "]", "]"}},
		{"a\xffb", []string{"a", "\xff", "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := tokens(tc.in)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
