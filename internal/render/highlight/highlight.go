// Package highlight colours fenced code blocks with chroma, as CSS classes
// rather than inline styles, so the sanitizer can keep them.
//
// It replaces goldmark-highlighting, whose language lookup (chroma's
// lexers.Get) matches unknown names against every lexer's file patterns:
// tens of milliseconds per block, which a page of "```x" blocks turns into a
// denial of service. Here an unknown language is one map lookup.
package highlight

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Some chroma lexers take quadratic time on unterminated strings, so only
// this much code is highlighted: per block, and per document in source
// order. The rest is shown plain. Sizes, not time, keep output deterministic.
const (
	MaxBlock = 16 << 10
	MaxTotal = 64 << 10
)

// plainAttr marks a block that is over budget.
const plainAttr = "highlight-plain"

type extension struct{}

// New returns the extension.
func New() goldmark.Extender { return extension{} }

func (extension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(budget{}, 1000)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(newRenderer(), 100)))
}

type budget struct{}

func (budget) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	total := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		fc, ok := n.(*ast.FencedCodeBlock)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		size := 0
		for i := 0; i < fc.Lines().Len(); i++ {
			seg := fc.Lines().At(i)
			size += seg.Stop - seg.Start
		}
		total += size
		if size > MaxBlock || total > MaxTotal {
			fc.SetAttributeString(plainAttr, true)
		}
		return ast.WalkSkipChildren, nil
	})
}

type htmlRenderer struct {
	lexers    map[string]chroma.Lexer
	formatter *chromahtml.Formatter
	style     *chroma.Style // only its presence matters: colours come from CSS
}

func newRenderer() *htmlRenderer {
	r := &htmlRenderer{
		lexers:    map[string]chroma.Lexer{},
		formatter: chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithPreWrapper(focusablePre{})),
		style:     styles.Fallback,
	}
	// Extensions first, so a lexer's own name or alias wins over them.
	reg := newRegistry()
	for _, l := range reg.Lexers {
		for _, pattern := range l.Config().Filenames {
			if ext, ok := strings.CutPrefix(pattern, "*."); ok && !strings.ContainsAny(ext, "*?[") {
				if _, taken := r.lexers[strings.ToLower(ext)]; !taken {
					r.lexers[strings.ToLower(ext)] = l
				}
			}
		}
	}
	for _, l := range reg.Lexers {
		c := l.Config()
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			r.lexers[strings.ToLower(name)] = l
		}
	}
	return r
}

// focusablePre writes the block's <pre> with tabindex="0", as the
// sanitizer's pass gives every <pre> (a region that scrolls sideways must
// be reachable by keyboard), so that pass has nothing to add.
type focusablePre struct{}

func (focusablePre) Start(code bool, styleAttr string) string {
	if code {
		return `<pre tabindex="0"` + styleAttr + `><code>`
	}
	return `<pre tabindex="0"` + styleAttr + `>`
}

func (focusablePre) End(code bool) string {
	if code {
		return `</code></pre>`
	}
	return `</pre>`
}

// lexer finds the lexer for a fence's language name, or nil.
func (r *htmlRenderer) lexer(lang string) chroma.Lexer {
	return r.lexers[strings.ToLower(lang)]
}

// matchTimeout replaces chroma's 250 ms per-match timeout. chroma measures
// it with regexp2's coarse background clock, which a loaded machine starves:
// matches then "time out" at once and the same code renders differently from
// one request to the next (and the cache keeps the bad copy). A longer limit
// still stops a pathological pattern; the size caps above bound the rest.
const matchTimeout = 5 * time.Second

// newRegistry copies chroma's lexers into a registry of our own, each regex
// lexer rebuilt from its public rules with a timeoutSetter in front, so every
// rule it compiles gets matchTimeout. Nothing of chroma's is modified: its
// global lexers keep their own timeouts for anyone else.
//
// The copies resolve sublexers (Using("HTML") in a PHP block) in this
// registry, so embedded languages get the longer timeout too. The few lexers
// that are not regex lexers (delegating, remapping and content-sniffing
// ones: ERB, PHTML, Svelte, Go templates, YAML+Jinja, Lisp dialects, HTTP,
// markdown) cannot be rebuilt from outside chroma; they keep chroma's
// timeout, and tokenise's retry keeps their output stable.
func newRegistry() *chroma.LexerRegistry {
	reg := chroma.NewLexerRegistry()
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		reg.Register(withTimeout(l))
	}
	return reg
}

// withTimeout is l rebuilt with matchTimeout, or l behind a wrapper that
// keeps the registry from re-pointing chroma's own instance.
func withTimeout(l chroma.Lexer) chroma.Lexer {
	rl, ok := l.(*chroma.RegexLexer)
	if !ok {
		return foreign{l}
	}
	c, err := chroma.NewLexer(rl.Config(), func() chroma.Rules {
		// Called on first use, so chroma's lazy compilation stays lazy.
		rules, err := rl.Rules()
		if err != nil {
			return chroma.Rules{} // no "root": Tokenise fails, the block stays plain
		}
		rules = rules.Clone()
		rules["root"] = append([]chroma.Rule{{Pattern: `(?!)`, Mutator: timeoutSetter{}}}, rules["root"]...)
		return rules
	})
	if err != nil {
		return foreign{l}
	}
	c.SetAnalyser(rl.AnalyseText)
	return c
}

// timeoutSetter is a chroma.LexerMutator, chroma's hook for changing a lexer
// as it is compiled: it sets the timeout of every compiled rule, then removes
// its own rule (whose pattern never matches anyway).
type timeoutSetter struct{}

func (timeoutSetter) Mutate(*chroma.LexerState) error { return nil }

func (timeoutSetter) MutateLexer(rules chroma.CompiledRules, state string, i int) error {
	for _, list := range rules {
		for _, rule := range list {
			if rule.Regexp != nil {
				rule.Regexp.MatchTimeout = matchTimeout
			}
		}
	}
	// A fresh slice: another state may share this one's array (include).
	rules[state] = slices.Concat(rules[state][:i], rules[state][i+1:])
	return nil
}

// foreign is a lexer registered here but owned by chroma's registry:
// SetRegistry would re-point chroma's shared instance, so it is ignored.
type foreign struct{ chroma.Lexer }

func (f foreign) SetRegistry(*chroma.LexerRegistry) chroma.Lexer { return f }

func (r *htmlRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.render)
}

func (r *htmlRenderer) render(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	stop := stopOf(n)
	var code bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		code.Write(seg.Value(source))
	}
	lang := n.Language(source)
	_, plain := n.AttributeString(plainAttr)
	if lexer := r.lexer(string(lang)); lexer != nil && !plain && !stop() {
		if tokens, err := tokenise(lexer, code.String(), stop); err == nil {
			var out bytes.Buffer
			if r.formatter.Format(&out, r.style, chroma.Literator(tokens...)) == nil {
				_, _ = w.Write(out.Bytes())
				_ = w.WriteByte('\n')
				return ast.WalkSkipChildren, nil
			}
		}
	}
	_, _ = w.WriteString("<pre><code")
	if len(lang) > 0 {
		_, _ = w.WriteString(` class="language-`)
		_, _ = w.Write(util.EscapeHTML(lang))
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	_, _ = w.Write(util.EscapeHTML(code.Bytes()))
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// tokenise runs the lexer, again if the result has error tokens. chroma
// gives each regular expression a match timeout measured by a coarse
// background clock, which a loaded machine can starve: a match then "times
// out" at once and the text becomes error tokens, so the same page would
// render differently from one time to the next. Genuine error tokens come
// back the same on every run; the fewest seen is kept. It gives up when
// stop says so, and on a lexer that stops moving (errStuck).
func tokenise(lexer chroma.Lexer, code string, stop func() bool) ([]chroma.Token, error) {
	var best []chroma.Token
	bestErrs := -1
	for range 3 {
		tokens, errs, err := tokeniseOnce(lexer, code, stop)
		if err != nil {
			return nil, err
		}
		if bestErrs < 0 || errs < bestErrs {
			best, bestErrs = tokens, errs
		}
		if errs == 0 {
			break
		}
	}
	return best, nil
}

// maxEmpty is how many empty tokens in a row mean a lexer is stuck.
const maxEmpty = 1000

// tokeniseOnce is chroma.Coalesce's loop with a guard. A rule that can
// match nothing (JSONata's names, [a-zA-Z0-9_]*, and Jungle's) matches
// nothing for ever at a character no other rule takes, "é" say, and
// Coalesce skips the empty tokens without end: one fence of three lines
// held a core and grew memory until the process died. Here a run of
// empty tokens ends the block's highlighting.
func tokeniseOnce(lexer chroma.Lexer, code string, stop func() bool) (tokens []chroma.Token, errs int, err error) {
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return nil, 0, err
	}
	var prev chroma.Token
	empty := 0
	for t := it(); t != chroma.EOF; t = it() {
		if t.Value == "" {
			if empty++; empty > maxEmpty || empty%256 == 0 && stop() {
				return nil, 0, errStuck
			}
			continue
		}
		empty = 0
		if prev.Type == t.Type && prev != chroma.EOF && len(prev.Value) < 8192 {
			prev.Value += t.Value
			continue
		}
		if prev != chroma.EOF {
			tokens = append(tokens, prev)
			if prev.Type == chroma.Error {
				errs++
			}
			if len(tokens)%256 == 0 && stop() {
				return nil, 0, errStopped
			}
		}
		prev = t
	}
	if prev != chroma.EOF {
		tokens = append(tokens, prev)
		if prev.Type == chroma.Error {
			errs++
		}
	}
	return tokens, errs, nil
}

var errStuck = errors.New("highlight: the lexer stopped moving")

var errStopped = errors.New("highlight: stopped")

const stopKey = "gitwiki/highlight.stop"

// SetStop makes highlighting in doc (a goldmark *ast.Document) check stop
// between blocks and every few hundred tokens, and show the remaining
// blocks plain once it returns true: a render given up on stops soon.
func SetStop(doc ast.Node, stop func() bool) {
	if d, ok := doc.(*ast.Document); ok {
		d.AddMeta(stopKey, stop)
	}
}

func stopOf(n ast.Node) func() bool {
	if d := n.OwnerDocument(); d != nil {
		if stop, ok := d.Meta()[stopKey].(func() bool); ok {
			return stop
		}
	}
	return never
}

func never() bool { return false }
