package jekyll

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// kramdownBlocks are the elements that open an HTML block in kramdown. Its
// HTML blocks run to the matching end tag, blank lines and indentation
// included, where CommonMark ends them at the first blank line and reads
// what follows, indented, as code: that is why the SDA stage pages showed
// blocks of HTML source.
var kramdownBlocks = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`address article aside applet blockquote body button canvas caption col colgroup dd
		details dialog div dl dt embed fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html
		iframe legend li listing main map math menu nav noscript object ol optgroup option p pre script section
		source style summary table tbody td tfoot th thead tr track ul video`) {
		kramdownBlocks[t] = true
	}
}

// blockStart reports whether a line opens a kramdown HTML block: at most
// three spaces, then a comment or a block element's start tag.
func blockStart(line string) bool {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || !strings.HasPrefix(t, "<") {
		return false
	}
	if strings.HasPrefix(t, "<!--") {
		return true
	}
	name := strings.ToLower(strings.TrimFunc(strings.SplitN(strings.SplitN(t[1:], ">", 2)[0], " ", 2)[0], func(r rune) bool { return r == '/' }))
	return kramdownBlocks[name]
}

// voidElements never have an end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// blockEnd finds where the HTML block starting at src[0] ends, reading it
// with the HTML tokenizer: after the end tag matching the first start tag
// (end tags close what they skip over, as <li> and <p> are left open), then
// to the end of that line. A block never closed runs to the end.
func blockEnd(src string) int {
	z := html.NewTokenizer(strings.NewReader(src))
	var stack []string
	off := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				return len(src)
			}
			return len(src)
		}
		off += len(z.Raw())
		switch tt {
		case html.CommentToken:
			if len(stack) == 0 {
				return lineEnd(src, off)
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				stack = append(stack, string(name))
			} else if len(stack) == 0 {
				return lineEnd(src, off)
			}
		case html.SelfClosingTagToken:
			if len(stack) == 0 {
				return lineEnd(src, off)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i] == string(name) {
					stack = stack[:i]
					break
				}
			}
			if len(stack) == 0 {
				return lineEnd(src, off)
			}
		}
	}
}

func lineEnd(src string, off int) int {
	if i := strings.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}

var (
	fenceRE   = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	ialLine   = regexp.MustCompile(`^\s*\{:[^}]*\}\s*$`)
	ialInline = regexp.MustCompile(`\s*\{:\s*[.#][^}]*\}|\s*\{#[\w-]+\}\s*$`)
	extLine   = regexp.MustCompile(`^\s*\{::(options|nomarkdown)[^}]*/?\}\s*$|^\s*\{:/(nomarkdown)?\}\s*$`)
	tocItem   = regexp.MustCompile(`^\s*(?:[*+-]|1\.)\s+(?:TOC|Table of Contents)\s*$`)
	tocMark   = regexp.MustCompile(`^\s*\{:\s*\.?toc\s*\}\s*$|^\s*\{::toc\}\s*$`)
)

// kramdown makes a page's kramdown CommonMark: HTML blocks are cut out and
// converted to markdown (each left as a placeholder line that blocks maps
// to its markdown), attribute lists and extensions are removed, and a
// kramdown table of contents becomes toc: true.
func (r *run) kramdown(d *doc, src string, depth int) (md string, blocks map[string]string, err error) {
	blocks = map[string]string{}
	var out strings.Builder
	fence := ""
	lines := strings.SplitAfter(src, "\n")
	starts := make([]int, len(lines)+1)
	for i, l := range lines {
		starts[i+1] = starts[i] + len(l)
	}
	comment := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		bare := strings.TrimRight(line, "\r\n")
		if m := fenceRE.FindStringSubmatch(bare); m != nil && (fence == "" || strings.HasPrefix(m[1], fence)) {
			if fence == "" {
				fence = m[1][:3]
			} else {
				fence = ""
			}
			out.WriteString(line)
			continue
		}
		switch {
		case fence != "":
			out.WriteString(line)
		case comment:
			comment = !strings.Contains(bare, "{:/comment}") && !strings.Contains(bare, "{:/}")
		case strings.Contains(bare, "{::comment}"):
			comment = !strings.Contains(bare, "{:/comment}") && !strings.Contains(bare, "{:/}")
		case blockStart(bare):
			start := starts[i]
			end := start + blockEnd(src[start:])
			converted, err := r.htmlBlock(d, src[start:end], depth)
			if err != nil {
				return "", nil, err
			}
			token := fmt.Sprintf("GITWIKIBLOCK%dX%dZ", depth, len(blocks))
			blocks[token] = converted
			out.WriteString("\n" + token + "\n\n")
			for i+1 < len(lines) && starts[i+1] < end {
				i++
			}
		case tocMark.MatchString(bare):
			d.toc = true
		case tocItem.MatchString(bare) && i+1 < len(lines) && tocMark.MatchString(strings.TrimSpace(lines[i+1])):
			d.toc = true
			i++
		case ialLine.MatchString(bare), extLine.MatchString(bare):
		default:
			out.WriteString(ialInline.ReplaceAllString(bare, "") + line[len(bare):])
		}
	}
	return out.String(), blocks, nil
}
