package render

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/gitwiki/gitwiki/internal/render/guard"
	"github.com/gitwiki/gitwiki/internal/render/wikilink"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// SanitizeSource passes the raw HTML of a markdown page through the same
// policy the renderer uses, and neutralises links with script schemes, so
// the committed source carries nothing that other tools reading the
// repository (GitHub, Jekyll) would run. notes says what was removed, for
// the contributor. Markdown outside raw HTML is left byte for byte.
func (r *Renderer) SanitizeSource(src []byte) (out []byte, notes []string) {
	body := bodyOf(src)
	offset := len(src) - len(body)
	pc := parser.NewContext()
	doc := r.md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	var edits []edit
	note := func(start int, what string) {
		line := 1 + bytes.Count(src[:offset+start], []byte("\n"))
		notes = append(notes, fmt.Sprintf("Line %d: %s", line, what))
	}
	clean := func(start, stop int) {
		raw := string(body[start:stop])
		safe := r.policy.Sanitize(raw)
		if strings.TrimRight(safe, "\n") == strings.TrimRight(raw, "\n") {
			return
		}
		// Keep the block's line structure: markdown after it must still parse.
		if strings.HasSuffix(raw, "\n") && !strings.HasSuffix(safe, "\n") {
			safe += "\n"
		}
		edits = append(edits, edit{start, stop, safe})
		note(start, "removed unsafe or unsupported HTML from "+quoteSnippet(raw))
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.HTMLBlock:
			lines := v.Lines()
			if lines.Len() == 0 {
				return ast.WalkSkipChildren, nil
			}
			start, stop := lines.At(0).Start, lines.At(lines.Len()-1).Stop
			if v.HasClosure() {
				stop = v.ClosureLine.Stop
			}
			clean(start, stop)
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			segs := v.Segments
			if segs.Len() == 0 {
				return ast.WalkSkipChildren, nil
			}
			clean(segs.At(0).Start, segs.At(segs.Len()-1).Stop)
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if unsafeDestination(string(v.Destination)) {
				if s, e, ok := destinationRange(body, v); ok {
					edits = append(edits, edit{s, e, "#"})
					note(s, "removed a link to "+quoteSnippet(string(v.Destination)))
				}
			}
		case *ast.Image:
			if unsafeDestination(string(v.Destination)) {
				if s, e, ok := destinationRange(body, v); ok {
					edits = append(edits, edit{s, e, "#"})
					note(s, "removed an image source "+quoteSnippet(string(v.Destination)))
				}
			}
		case *ast.AutoLink:
			if u := v.URL(body); unsafeDestination(string(u)) {
				// AutoLink keeps no position: find "<url>" in the source.
				for from := 0; ; {
					i := bytes.Index(body[from:], append(append([]byte("<"), u...), '>'))
					if i < 0 {
						break
					}
					start := from + i + 1
					edits = append(edits, edit{start, start + len(u), "#"})
					note(start, "removed a link to "+quoteSnippet(string(u)))
					from = start + len(u)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	edits = scriptEdits(body, pc, edits, note)
	return applyEdits(src, offset, edits), notes
}

// scriptEdits adds to edits (sorted here) the script destinations of the
// blocks the guard showed as text (see scriptDestinations).
func scriptEdits(body []byte, pc parser.Context, edits []edit, note func(int, string)) []edit {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	made := len(edits)
	for _, block := range guard.LiteralLinks(pc) {
		for _, d := range scriptDestinations(body, block) {
			// An autolink in the block was found above already.
			i := sort.Search(made, func(i int) bool { return edits[i].stop > d.Start })
			if i < made && edits[i].start < d.Stop {
				continue
			}
			edits = append(edits, edit{d.Start, d.Stop, "#"})
			note(d.Start, "removed a link to "+quoteSnippet(string(d.Value(body))))
		}
	}
	return edits
}

// scriptDestinations finds "](dest" with a script scheme in a block whose
// brackets the guard showed as text. Here they are not links, but another
// markdown reader of the repository may well take them for links.
func scriptDestinations(body []byte, block ast.Node) []text.Segment {
	var found []text.Segment
	lines := block.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		line := body[seg.Start:seg.Stop]
		for j := 0; ; {
			k := bytes.Index(line[j:], []byte("]("))
			if k < 0 {
				break
			}
			start := j + k + 2
			for start < len(line) && (line[start] == ' ' || line[start] == '\t') {
				start++
			}
			stop := destinationEnd(line, start)
			if start < len(line) && line[start] == '<' {
				start++
			}
			if unsafeDestination(string(line[start:stop])) {
				found = append(found, text.NewSegment(seg.Start+start, seg.Start+stop))
			}
			j = max(stop, start)
		}
	}
	return found
}

// unsafeDestination reports link targets that would run script when followed.
func unsafeDestination(dest string) bool {
	d := strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, dest))
	for _, scheme := range []string{"javascript:", "vbscript:", "livescript:", "data:"} {
		if strings.HasPrefix(d, scheme) {
			return !(scheme == "data:" && rasterData.MatchString(d[len("data:"):]))
		}
	}
	return false
}

// destinationRange finds the "(dest)" of an inline link or image: after the
// "](" that follows its text. Reference links have none and are left alone;
// their definitions are rendered safely.
func destinationRange(src []byte, n ast.Node) (start, stop int, ok bool) {
	end := -1
	for c := n.LastChild(); c != nil && end < 0; c = c.PreviousSibling() {
		if t, isText := c.(*ast.Text); isText {
			end = t.Segment.Stop
		}
	}
	if end < 0 || end+2 > len(src) {
		return 0, 0, false
	}
	rest := src[end:]
	if !bytes.HasPrefix(rest, []byte("](")) {
		return 0, 0, false
	}
	open := end + 2
	depth := 0
	for i := open; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return open, i, true
			}
			depth--
		case '\n':
			if i+1 < len(src) && src[i+1] == '\n' {
				return 0, 0, false
			}
		}
	}
	return 0, 0, false
}

func quoteSnippet(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		s = s[:57] + "…"
	}
	return "“" + s + "”"
}

// destinationEnd is where a destination starting at line[start] ends: at
// ">" for "<dest>", else at a space or an unbalanced ")".
func destinationEnd(line []byte, start int) int {
	i := start
	if i < len(line) && line[i] == '<' {
		for i++; i < len(line) && line[i] != '>' && line[i] != '\n'; i++ {
		}
		return i
	}
	depth := 0
	for ; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && i+1 < len(line):
			i++
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth < 0 {
				return i
			}
		case c == ' ' || c == '\t' || c == '\n':
			return i
		}
	}
	return i
}

// LinkEdit is what RewriteLinks does with one link: Target replaces what the
// link points at (for a wikilink, the part before "#" and "|"; for a
// markdown link, the whole destination), and for a wikilink written without
// a label, Label keeps the text readers saw.
type LinkEdit struct {
	Target string
	Label  string
}

// RewriteLinks rewrites the page links of a markdown page, wikilinks and
// relative .md links alike, leaving every other byte as it was. fn sees
// each link as Summary.Links reports it and returns false to keep it.
func (r *Renderer) RewriteLinks(src []byte, fn func(l Link) (LinkEdit, bool)) []byte {
	body := bodyOf(src)
	offset := len(src) - len(body)
	doc := r.md.Parser().Parse(text.NewReader(body))
	var edits []edit
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *wikilink.Node:
			t, ok := v.FirstChild().(*ast.Text)
			if !ok {
				return ast.WalkSkipChildren, nil
			}
			open := bytes.LastIndex(body[:t.Segment.Start], []byte("[["))
			close := bytes.Index(body[t.Segment.Start:], []byte("]]"))
			if open < 0 || close < 0 {
				return ast.WalkSkipChildren, nil
			}
			close += t.Segment.Start
			inner := string(body[open+2 : close])
			le, ok := fn(Link{Kind: LinkWiki, Target: string(v.Target), Fragment: string(v.Fragment)})
			if !ok {
				return ast.WalkSkipChildren, nil
			}
			label := ""
			if i := strings.IndexByte(inner, '|'); i >= 0 {
				label = inner[i:]
			} else if le.Label != "" {
				label = "|" + le.Label
			}
			frag := ""
			if len(v.Fragment) > 0 {
				frag = "#" + string(v.Fragment)
			}
			edits = append(edits, edit{open, close + 2, "[[" + le.Target + frag + label + "]]"})
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			dest := string(v.Destination)
			p, _, frag, ok := relativeRef(dest)
			if !ok || !strings.HasSuffix(p, ".md") {
				return ast.WalkContinue, nil
			}
			le, ok := fn(Link{Kind: LinkMarkdown, Target: p, Fragment: frag})
			if !ok {
				return ast.WalkContinue, nil
			}
			if s, e, ok := destinationRange(body, v); ok {
				target := le.Target
				if frag != "" {
					target += "#" + frag
				}
				if strings.ContainsAny(target, " ()<>") {
					target = "<" + target + ">"
				}
				edits = append(edits, edit{s, e, target})
			}
		}
		return ast.WalkContinue, nil
	})
	return applyEdits(src, offset, edits)
}

// bodyOf is the markdown after any front matter.
func bodyOf(src []byte) []byte {
	if _, _, body, ok := SplitFrontMatter(src); ok {
		return body
	}
	return src
}

// edit replaces body[start:stop] with text.
type edit struct {
	start, stop int
	with        string
}

// applyEdits rewrites the body (src from offset on), leaving every byte no
// edit covers as it was; an edit nested in one already made is dropped.
func applyEdits(src []byte, offset int, edits []edit) []byte {
	if len(edits) == 0 {
		return src
	}
	body := src[offset:]
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b bytes.Buffer
	b.Write(src[:offset])
	pos := 0
	for _, e := range edits {
		if e.start < pos {
			continue
		}
		b.Write(body[pos:e.start])
		b.WriteString(e.with)
		pos = e.stop
	}
	b.Write(body[pos:])
	return b.Bytes()
}
