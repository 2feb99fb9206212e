package highlight

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/alecthomas/chroma/v2"
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
			`<pre class="chroma"><code><span class="line"><span class="cl"><span class="nx">x</span><span class="w"> </span><span class="o">:=</span><span class="w"> </span><span class="mi">1</span><span class="w">` + "\n" + `</span></span></span></code></pre>` + "\n"},
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
			if n := strings.Count(got, `<pre class="chroma">`); n != tc.chroma {
				t.Errorf("got %d highlighted blocks, want %d", n, tc.chroma)
			}
			if n := strings.Count(got, "<pre"); n != strings.Count(tc.in, "```go") {
				t.Errorf("got %d blocks, want %d", n, strings.Count(tc.in, "```go"))
			}
		})
	}
}

// TestUnknownLanguagesAreCheap guards against chroma's lexers.Get, which
// spends tens of milliseconds on each unknown name. The bound is generous:
// the slow lookup takes minutes here, the map lookup milliseconds.
func TestUnknownLanguagesAreCheap(t *testing.T) {
	src := strings.Repeat("```no-such-lang\nx\n```\n\n", 2000)
	start := time.Now()
	convert(t, src)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("2000 unknown-language blocks took %v", d)
	}
}

// TestMatchTimeoutPatched guards the reflection in patchTimeouts: if chroma
// renames its rules field, this fails instead of silently keeping 250 ms.
func TestMatchTimeoutPatched(t *testing.T) {
	r := newRenderer()
	l, ok := r.lexer("go").(*chroma.RegexLexer)
	if !ok {
		t.Fatal("the go lexer is not a RegexLexer")
	}
	f := reflect.ValueOf(l).Elem().FieldByName("rules")
	rules := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(map[string][]*chroma.CompiledRule)
	n := 0
	for _, list := range rules {
		for _, rule := range list {
			if rule.Regexp != nil {
				n++
				if rule.Regexp.MatchTimeout != matchTimeout {
					t.Fatalf("rule timeout %v, want %v", rule.Regexp.MatchTimeout, matchTimeout)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no compiled rules found")
	}
}
