package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"
)

// Front matter is untrusted input decoded on every page of every commit, so
// the decoders only ever see a bounded amount of it, and YAML aliases (the
// "billion laughs" expansion) are refused outright rather than counted.
const (
	maxFrontMatter      = 64 << 10
	maxFrontMatterDepth = 20
)

// FrontMatterError says what is wrong with a page's front matter. Line is
// the line in the file, or 0 when unknown.
type FrontMatterError struct {
	Line   int
	Reason string
}

func (e *FrontMatterError) Error() string { return "front matter: " + e.where() }

func (e *FrontMatterError) where() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return e.Reason
}

// frontMatterWarning is the sentence shown on a page whose front matter fails.
func frontMatterWarning(err error) string {
	var fe *FrontMatterError
	if errors.As(err, &fe) {
		return "The front matter could not be read: " + fe.where()
	}
	return "The front matter could not be read: " + err.Error()
}

// ParseFrontMatter splits a page into its YAML ("---") or TOML ("+++") front
// matter and its body. The body is returned even when err is not nil, so a
// page with broken front matter still renders. A page without front matter
// has an empty fm and body == src.
func ParseFrontMatter(src []byte) (fm FrontMatter, body []byte, err error) {
	format, content, body, ok := SplitFrontMatter(src)
	if !ok {
		return FrontMatter{}, body, nil
	}
	fm.Format = format
	if len(content) > maxFrontMatter {
		return fm, body, &FrontMatterError{Reason: "it is larger than 64 KiB"}
	}
	var lines map[string]int
	switch format {
	case "yaml":
		fm.Raw, lines, err = decodeYAML(content)
	default:
		fm.Raw, err = decodeTOML(content)
	}
	if err != nil {
		return fm, body, err
	}
	if err := checkDepth(fm.Raw, 1); err != nil {
		return fm, body, err
	}
	return fm, body, fm.setKnown(lines)
}

var bom = []byte("\xef\xbb\xbf")

// SplitFrontMatter finds the front matter without decoding it, for code that
// rewrites it: format is "yaml" or "toml" and fm the text between the fences.
// body is always a suffix of src (src itself, less a BOM, when ok is false).
// Without a closing fence there is no front matter: a lone "---" is a
// thematic break.
func SplitFrontMatter(src []byte) (format string, fm, body []byte, ok bool) {
	src = bytes.TrimPrefix(src, bom)
	first, rest, found := bytes.Cut(src, []byte("\n"))
	if !found {
		return "", nil, src, false
	}
	var closers []string
	switch string(bytes.TrimRight(first, " \t\r")) {
	case "---":
		format, closers = "yaml", []string{"---", "..."}
	case "+++":
		format, closers = "toml", []string{"+++"}
	default:
		return "", nil, src, false
	}
	for off := 0; off < len(rest); {
		line := rest[off:]
		next := len(rest)
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, next = line[:i], off+i+1
		}
		if slices.Contains(closers, string(bytes.TrimRight(line, " \t\r"))) {
			return format, rest[:off], rest[next:], true
		}
		off = next
	}
	return "", nil, src, false
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func decodeYAML(content []byte) (map[string]any, map[string]int, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(content)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return map[string]any{}, nil, nil
		}
		msg := err.Error()
		if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			return nil, nil, &FrontMatterError{Line: n + 1, Reason: m[2]}
		}
		return nil, nil, &FrontMatterError{Reason: strings.TrimPrefix(msg, "yaml: ")}
	}
	if err := checkYAMLNode(&doc, 0); err != nil {
		return nil, nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return map[string]any{}, nil, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, nil, &FrontMatterError{Line: top.Line + 1, Reason: "it must be a list of keys and values"}
	}
	raw := map[string]any{}
	if err := top.Decode(&raw); err != nil {
		return nil, nil, &FrontMatterError{Reason: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		lines[top.Content[i].Value] = top.Content[i].Line + 1
	}
	return raw, lines, nil
}

// checkYAMLNode refuses what makes yaml.v3 decoding blow up: aliases, deep
// nesting, and repeated keys, which it reports in quadratic time.
func checkYAMLNode(n *yaml.Node, depth int) error {
	if n.Kind == yaml.AliasNode {
		return &FrontMatterError{Line: n.Line + 1, Reason: "YAML aliases (*name) are not allowed"}
	}
	if depth > maxFrontMatterDepth {
		return &FrontMatterError{Line: n.Line + 1, Reason: "it is nested too deeply"}
	}
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return &FrontMatterError{Line: k.Line + 1, Reason: "keys must be plain names"}
			}
			if seen[k.Value] {
				return &FrontMatterError{Line: k.Line + 1, Reason: fmt.Sprintf("the key %q appears twice", k.Value)}
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if err := checkYAMLNode(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func decodeTOML(content []byte) (map[string]any, error) {
	raw := map[string]any{}
	if err := toml.Unmarshal(content, &raw); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return nil, &FrontMatterError{Line: row + 1, Reason: strings.TrimPrefix(de.Error(), "toml: ")}
		}
		return nil, &FrontMatterError{Reason: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	return raw, nil
}

func checkDepth(v any, depth int) error {
	if depth > maxFrontMatterDepth {
		return &FrontMatterError{Reason: "it is nested too deeply"}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, c := range v {
			if err := checkDepth(c, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, c := range v {
			if err := checkDepth(c, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// setKnown fills the typed fields from Raw. Keys match case-insensitively
// (Hugo writes translationKey, others translationkey). It reports the first
// key, in sorted order, whose value has the wrong type.
func (fm *FrontMatter) setKnown(lines map[string]int) error {
	keys := make([]string, 0, len(fm.Raw))
	for k := range fm.Raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var first error
	for _, k := range keys {
		v := fm.Raw[k]
		var err error
		switch strings.ToLower(k) {
		case "title":
			fm.Title, err = scalarString(v)
		case "description":
			fm.Description, err = scalarString(v)
		case "date":
			fm.Date, err = dateString(v)
		case "tags":
			fm.Tags, err = stringList(v)
		case "category":
			fm.Category, err = scalarString(v)
		case "weight":
			fm.Weight, err = wholeNumber(v)
		case "lang":
			fm.Lang, err = scalarString(v)
		case "translationkey":
			fm.TranslationKey, err = scalarString(v)
		case "aliases":
			fm.Aliases, err = stringList(v)
		case "draft":
			fm.Draft, err = boolean(v)
		}
		if err != nil && first == nil {
			first = &FrontMatterError{Line: lines[k], Reason: fmt.Sprintf("%s %s", k, err)}
		}
	}
	return first
}

func scalarString(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(v), nil
	case bool, int, int64, uint64, float64:
		return fmt.Sprint(v), nil
	case time.Time, toml.LocalDate, toml.LocalDateTime, toml.LocalTime:
		return dateString(v)
	}
	return "", errors.New("must be text")
}

func dateString(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(v), nil
	case time.Time:
		return v.Format("2006-01-02"), nil
	case toml.LocalDate:
		return v.String(), nil
	case toml.LocalDateTime:
		return v.LocalDate.String(), nil
	}
	return "", errors.New("must be a date such as 2006-01-02")
}

// stringList accepts a list, or one string of comma- or space-separated
// words as Jekyll writes tags.
func stringList(v any) ([]string, error) {
	var out []string
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		sep := strings.Fields
		if strings.Contains(v, ",") {
			sep = func(s string) []string { return strings.Split(s, ",") }
		}
		for _, s := range sep(v) {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	case []any:
		for _, e := range v {
			s, err := scalarString(e)
			if err != nil {
				return nil, errors.New("must be a list of words")
			}
			if s != "" {
				out = append(out, s)
			}
		}
	default:
		return nil, errors.New("must be a list of words")
	}
	return out, nil
}

func wholeNumber(v any) (int, error) {
	switch v := v.(type) {
	case nil:
		return 0, nil
	case int:
		return v, nil
	case int64:
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			return int(v), nil
		}
	case uint64:
		if v <= math.MaxInt32 {
			return int(v), nil
		}
	case float64:
		if v == math.Trunc(v) && math.Abs(v) <= math.MaxInt32 {
			return int(v), nil
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, nil
		}
	}
	return 0, errors.New("must be a whole number")
}

func boolean(v any) (bool, error) {
	switch v := v.(type) {
	case nil:
		return false, nil
	case bool:
		return v, nil
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			return b, nil
		}
	}
	return false, errors.New("must be true or false")
}
