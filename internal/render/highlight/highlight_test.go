package highlight

import (
	"bytes"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/yuin/goldmark"
)

func convert(t *testing.T, src string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(New())).Convert([]byte(src), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestLexerLookup(t *testing.T) {
	r := newRenderer()
	tests := []struct{ lang, want string }{
		{"go", "Go"},
		{"Go", "Go"},
		{"golang", "Go"},
		{"py", "Python"},
		{"yml", "YAML"},
		{"c++", "C++"},
		{"sh", "Bash"},
		{"nosuchlanguage", ""},
		{"*.go", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			got := ""
			if l := r.lexer(tc.lang); l != nil {
				got = l.Config().Name
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"highlighted", "```go\nx := 1\n```",
			`<pre tabindex="0" class="chroma"><code><span class="line"><span class="cl"><span class="nx">x</span><span class="w"> </span><span class="o">:=</span><span class="w"> </span><span class="mi">1</span><span class="w">` + "\n" + `</span></span></span></code></pre>` + "\n"},
		{"unknown language", "```nosuch\n<b>\n```", "<pre><code class=\"language-nosuch\">&lt;b&gt;\n</code></pre>\n"},
		{"no language", "```\na & b\n```", "<pre><code>a &amp; b\n</code></pre>\n"},
		{"language escaped", "```a\"b\nx\n```", "<pre><code class=\"language-a&quot;b\">x\n</code></pre>\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := convert(t, tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBudget(t *testing.T) {
	block := func(n int) string { return "```go\n" + strings.Repeat("x := 1\n", n) + "```\n\n" }
	tests := []struct {
		name   string
		in     string
		chroma int // highlighted blocks
	}{
		{"block too big", block(MaxBlock/7 + 1), 0},
		{"block fits", block(MaxBlock / 7), 1},
		{"document budget", strings.Repeat(block(MaxBlock/7), 5), MaxTotal / (MaxBlock / 7 * 7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := convert(t, tc.in)
			if n := strings.Count(got, `<pre tabindex="0" class="chroma">`); n != tc.chroma {
				t.Errorf("got %d highlighted blocks, want %d", n, tc.chroma)
			}
			if n := strings.Count(got, "<pre"); n != strings.Count(tc.in, "```go") {
				t.Errorf("got %d blocks, want %d", n, strings.Count(tc.in, "```go"))
			}
		})
	}
}

// TestUnknownLanguagesAreCheap guards against chroma's lexers.Get, which
// spends tens of milliseconds on each unknown name (it matches the name
// against every lexer's file patterns, allocating as it goes). Here an
// unknown name is one map lookup, which allocates nothing: counted, not
// timed, so a loaded machine cannot fail it.
func TestUnknownLanguagesAreCheap(t *testing.T) {
	r := newRenderer()
	for _, lang := range []string{"no-such-lang", "x", "*.go"} {
		if n := testing.AllocsPerRun(20, func() { r.lexer(lang) }); n != 0 {
			t.Errorf("looking up %q allocated %v times; want a map lookup", lang, n)
		}
	}
	if got := convert(t, strings.Repeat("```no-such-lang\nx\n```\n\n", 200)); strings.Count(got, `class="language-no-such-lang"`) != 200 {
		t.Errorf("unknown-language blocks not shown plain: %.200q", got)
	}
}

// TestNoReflectOrUnsafe keeps chroma's private fields private: the match
// timeout is set through chroma's LexerMutator hook (issue 7, item 5).
func TestNoReflectOrUnsafe(t *testing.T) {
	fset := token.NewFileSet()
	for _, name := range []string{"highlight.go"} {
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "reflect" || p == "unsafe" {
				t.Errorf("%s imports %s", name, p)
			}
		}
	}
}

// probe is a lexer whose first root rule matches "\x00probe" and reports the
// compiled rules the tokeniser runs with; rules are the rest of its rules.
func probe(rules chroma.Rules, seen *chroma.CompiledRules) *chroma.RegexLexer {
	return chroma.MustNewLexer(&chroma.Config{Name: "probe"}, func() chroma.Rules {
		rules = rules.Clone()
		capture := chroma.MutatorFunc(func(s *chroma.LexerState) error {
			*seen = s.Rules
			return nil
		})
		rules["root"] = append([]chroma.Rule{{Pattern: "\x00probe", Type: chroma.Text, Mutator: capture}}, rules["root"]...)
		return rules
	})
}

// TestMatchTimeout checks, through chroma's public LexerState, that every
// compiled rule of a rebuilt lexer has matchTimeout, that the setter rule is
// gone, and that chroma's own lexer is left alone. The Go lexer's rules use
// include and combined states, which chroma rewrites while compiling.
func TestMatchTimeout(t *testing.T) {
	goLexer := lexers.Get("go").(*chroma.RegexLexer)
	for name, rules := range map[string]chroma.Rules{
		"small": {"root": {{Pattern: `\w+`, Type: chroma.Name}, {Pattern: `\s+`, Type: chroma.Text}}},
		"go":    goLexer.MustRules(),
	} {
		t.Run(name, func(t *testing.T) {
			var seen chroma.CompiledRules
			l := withTimeout(probe(rules, &seen))
			if _, ok := l.(*chroma.RegexLexer); !ok {
				t.Fatalf("not rebuilt: %T", l)
			}
			if _, err := chroma.Tokenise(l, nil, "\x00probe x"); err != nil {
				t.Fatal(err)
			}
			n := 0
			for state, list := range seen {
				for _, rule := range list {
					if _, ok := rule.Mutator.(timeoutSetter); ok {
						t.Errorf("state %s still has the timeout setter", state)
					}
					if rule.Regexp == nil {
						continue
					}
					n++
					if rule.Regexp.MatchTimeout != matchTimeout {
						t.Fatalf("state %s: rule %q has timeout %v, want %v", state, rule.Pattern, rule.Regexp.MatchTimeout, matchTimeout)
					}
				}
			}
			if n == 0 {
				t.Fatal("no compiled rules seen")
			}
		})
	}
	var seen chroma.CompiledRules
	original := probe(goLexer.MustRules(), &seen)
	if _, err := chroma.Tokenise(original, nil, "\x00probe"); err != nil {
		t.Fatal(err)
	}
	for _, list := range seen {
		for _, rule := range list {
			if rule.Regexp != nil && rule.Regexp.MatchTimeout == matchTimeout {
				t.Fatal("a lexer that was not rebuilt has the long timeout")
			}
		}
	}
}

// TestSameTokensAsChroma: the rebuilt lexers tokenise exactly as chroma's
// own, including embedded languages and the lexers that are not rebuilt.
func TestSameTokensAsChroma(t *testing.T) {
	r := newRenderer()
	samples := map[string]string{
		"go":         "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(`raw`, 'x', 1.5e3) // c\n}\n",
		"python":     "def f(x):\n    \"\"\"doc\"\"\"\n    return [i ** 2 for i in x if i]  # c\n",
		"javascript": "const a = `t${b}`; /re+/g.test(a) && console.log({a, 'b': 2});\n",
		"html":       "<!doctype html><p class=\"x\">a &amp; b<script>let x = 1;</script><style>p{color:red}</style>\n",
		"php":        "<p><?php echo htmlspecialchars($x); ?></p>\n",
		"yaml":       "a: [1, \"two\"]\nb:\n  - c: d # e\n",
		"bash":       "for f in *.md; do echo \"$f\" | grep -q x && rm -- \"$f\"; done\n",
		"sql":        "SELECT a, COUNT(*) FROM t WHERE b = 'x' GROUP BY a;\n",
		"rust":       "fn main() { let v: Vec<u8> = vec![1, 2]; println!(\"{:?}\", v); }\n",
		"markdown":   "# T\n\n```go\nx := 1\n```\n",
		"diff":       "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n",
	}
	for lang, code := range samples {
		t.Run(lang, func(t *testing.T) {
			ours := r.lexer(lang)
			if ours == nil {
				t.Fatal("no lexer")
			}
			want, err := chroma.Tokenise(lexers.Get(lang), nil, code)
			if err != nil {
				t.Fatal(err)
			}
			got, err := chroma.Tokenise(ours, nil, code)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("tokens differ:\ngot  %v\nwant %v", got, want)
			}
		})
	}
}
