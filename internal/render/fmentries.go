package render

import (
	"bytes"
	"errors"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
	"gopkg.in/yaml.v3"
)

// FrontMatterEntry is one top-level key of a front matter block, as text,
// for code that rewrites some keys and must leave the others byte for byte:
// block[Start:End] is the entry, the comment lines directly above it
// included, and block[Line:End] its key and value. End is the end of the
// value's last line, so blank lines and comments after it are not part of
// it.
type FrontMatterEntry struct {
	Key              string
	Start, Line, End int
}

// ErrFrontMatterShape means a front matter block is not a plain list of
// keys and values (a YAML flow mapping, a lone scalar), so it cannot be
// taken apart key by key.
var ErrFrontMatterShape = errors.New("the front matter is not a list of keys and values")

// FrontMatterEntries lists the top-level keys of block, the text between the
// fences of a "yaml" or "toml" front matter (see SplitFrontMatter). For
// TOML, tables is where the first [table] starts (its comments included):
// keys after it belong to that table, so new top-level keys go before it.
// For YAML it is len(block). The entries are in the order written.
func FrontMatterEntries(format string, block []byte) (entries []FrontMatterEntry, tables int, err error) {
	if len(block) > maxFrontMatter {
		return nil, 0, &FrontMatterError{Reason: "it is larger than 64 KiB"}
	}
	var lines []int // the line of each entry's key, 0-based
	switch format {
	case "yaml":
		lines, entries, err = yamlKeyLines(block)
		tables = len(block)
	case "toml":
		lines, entries, tables, err = tomlKeyLines(block)
	default:
		return nil, 0, ErrFrontMatterShape
	}
	if err != nil {
		return nil, 0, err
	}
	starts := lineStarts(block)
	limit := lineOf(starts, tables)
	for i := range entries {
		next := limit
		if i+1 < len(entries) {
			next = lines[i+1]
		}
		entries[i].Line = starts[lines[i]]
		if format == "yaml" {
			entries[i].End = starts[lastContent(block, starts, lines[i], next)+1]
		}
		entries[i].Start = starts[leadComments(block, starts, lines[i], format)]
	}
	return entries, tables, nil
}

// lineStarts are the offsets of each line of b, plus len(b) as the start of
// the line after the last.
func lineStarts(b []byte) []int {
	starts := []int{0}
	for i, c := range b {
		if c == '\n' && i+1 < len(b) {
			starts = append(starts, i+1)
		}
	}
	return append(starts, len(b))
}

// lineOf is the line holding offset off; len(starts)-1 for the end of b.
func lineOf(starts []int, off int) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
}

func lineText(b []byte, starts []int, n int) []byte {
	return bytes.TrimRight(b[starts[n]:starts[n+1]], "\r\n")
}

// isCommentLine: a YAML comment at the margin, which no top-level value can
// contain, or a TOML comment, indented or not.
func isCommentLine(line []byte, format string) bool {
	if format == "toml" {
		line = bytes.TrimLeft(line, " \t")
	}
	return len(line) > 0 && line[0] == '#'
}

// lastContent is the last line from first up to (not including) next that
// is neither blank nor a comment at the margin.
func lastContent(b []byte, starts []int, first, next int) int {
	last := first
	for n := first + 1; n < next && n < len(starts)-1; n++ {
		line := lineText(b, starts, n)
		if len(bytes.TrimSpace(line)) == 0 || isCommentLine(line, "yaml") {
			continue
		}
		last = n
	}
	return last
}

// leadComments is the first of the comment lines directly above line n.
func leadComments(b []byte, starts []int, n int, format string) int {
	for n > 0 && isCommentLine(lineText(b, starts, n-1), format) {
		n--
	}
	return n
}

func yamlKeyLines(block []byte) ([]int, []FrontMatterEntry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(block, &doc); err != nil {
		return nil, nil, &FrontMatterError{Reason: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return nil, nil, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode || top.Style&yaml.FlowStyle != 0 {
		return nil, nil, ErrFrontMatterShape
	}
	if err := checkYAMLNode(&doc, 0); err != nil {
		return nil, nil, err
	}
	var lines []int
	var entries []FrontMatterEntry
	for i := 0; i+1 < len(top.Content); i += 2 {
		k := top.Content[i]
		if k.Column != 1 || (len(lines) > 0 && k.Line-1 <= lines[len(lines)-1]) {
			return nil, nil, ErrFrontMatterShape // two keys on one line, or a key not at the margin
		}
		lines = append(lines, k.Line-1)
		entries = append(entries, FrontMatterEntry{Key: k.Value})
	}
	return lines, entries, nil
}

// tomlKeyLines walks the top-level expressions with go-toml's parser, which
// knows where each key-value ends (multi-line strings and arrays included).
func tomlKeyLines(block []byte) ([]int, []FrontMatterEntry, int, error) {
	var p unstable.Parser
	p.Reset(block)
	starts := lineStarts(block)
	var lines []int
	var entries []FrontMatterEntry
	tables := len(block)
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind == unstable.Table || e.Kind == unstable.ArrayTable {
			k := e.Key()
			if !k.Next() {
				return nil, nil, 0, ErrFrontMatterShape
			}
			n := lineOf(starts, int(k.Node().Raw.Offset))
			tables = starts[leadComments(block, starts, n, "toml")]
			break
		}
		if e.Kind != unstable.KeyValue {
			continue
		}
		var parts []string
		for k := e.Key(); k.Next(); {
			parts = append(parts, string(k.Node().Data))
		}
		end := int(e.Raw.Offset + e.Raw.Length)
		if i := bytes.IndexByte(block[end:], '\n'); i >= 0 {
			end += i + 1
		} else {
			end = len(block)
		}
		lines = append(lines, lineOf(starts, int(e.Raw.Offset)))
		entries = append(entries, FrontMatterEntry{Key: strings.Join(parts, "."), End: end})
	}
	if err := p.Error(); err != nil {
		return nil, nil, 0, &FrontMatterError{Reason: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	return lines, entries, tables, nil
}
