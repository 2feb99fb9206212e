package pages

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
)

// Fields are the front matter keys the editor shows as form fields, as the
// person typed them: so the text box holds the page's body only, and the
// title is written in one place. Tags are separated by commas.
type Fields struct {
	Title, Description, Tags, Category, Lang, Weight string
}

// Draft is a page source taken apart for the editor.
type Draft struct {
	Fields Fields
	// FrontMatter is the page's front matter block exactly as written,
	// fences and the blank lines after it included, or "" when it has none. The editor carries it along
	// unseen: JoinDraft rewrites the keys whose field changed in it and
	// keeps every other byte, so keys the editor knows nothing about, their
	// order and comments survive an edit.
	FrontMatter string
	Body        string
}

// fieldKeys are the keys Fields hold, in the order new ones are written.
var fieldKeys = []string{"title", "description", "tags", "category", "lang", "weight"}

// SplitDraft takes a page source apart for the editor. ok is false when its
// front matter cannot be edited as fields: it does not parse, is not a
// plain list of keys and values, names one of the fields twice (in two
// spellings), or holds conflict markers. The editor then shows the whole
// text in one box, as it is.
func SplitDraft(src []byte) (d Draft, ok bool) {
	format, block, body, found := render.SplitFrontMatter(src)
	if !found {
		return Draft{Body: string(body)}, true
	}
	// Blank lines after the block go with it: the text box starts with
	// the text.
	body = bytes.TrimLeft(body, "\n")
	fm := src[:len(src)-len(body)]
	if markerLine(fm) {
		return Draft{}, false
	}
	parsed, _, err := render.ParseFrontMatter(src)
	if err != nil {
		return Draft{}, false
	}
	entries, _, err := render.FrontMatterEntries(format, block)
	if err != nil {
		return Draft{}, false
	}
	seen := map[string]bool{}
	weight := false
	for _, e := range entries {
		k := strings.ToLower(e.Key)
		if !slices.Contains(fieldKeys, k) {
			continue
		}
		if seen[k] {
			return Draft{}, false
		}
		seen[k], weight = true, weight || k == "weight"
	}
	d = Draft{FrontMatter: string(fm), Body: string(body), Fields: Fields{
		Title: parsed.Title, Description: parsed.Description, Tags: strings.Join(parsed.Tags, ", "),
		Category: parsed.Category, Lang: parsed.Lang,
	}}
	if weight {
		d.Fields.Weight = strconv.Itoa(parsed.Weight)
	}
	return d, true
}

// fieldChange is one key a draft sets (value a string, []string or int)
// or, when remove is set, takes out.
type fieldChange struct {
	key    string
	value  any
	remove bool
}

// JoinDraft is the page source a draft makes: its front matter with the
// keys whose field changed rewritten in place, those emptied taken out and
// new ones added (the title first, others after the existing keys), then
// the body. A title equal to the one the page has without it (its first
// heading or its file name) is not written. file names the page's file,
// for that title.
func (s *Service) JoinDraft(d Draft, file string) ([]byte, error) {
	fm := strings.ReplaceAll(d.FrontMatter, "\r\n", "\n")
	body := d.Body
	if fm == "" {
		// Front matter typed at the top of the text is the page's own.
		if _, _, rest, ok := render.SplitFrontMatter([]byte(body)); ok {
			fm, body = body[:len(body)-len(rest)], string(rest)
		}
	}
	if fm != "" && !strings.HasSuffix(fm, "\n") {
		fm += "\n"
	}
	format, block, rest, ok := render.SplitFrontMatter([]byte(fm))
	if fm != "" && (!ok || strings.Trim(string(rest), "\n") != "") {
		return nil, problem("content", Invalid, "front_matter_update", "Error", "the front matter the editor carried is damaged")
	}
	cur, _, err := render.ParseFrontMatter([]byte(fm))
	if err != nil {
		return nil, problem("content", Invalid, "front_matter", "Error", err.Error())
	}
	changes, err := draftChanges(d.Fields, cur)
	if err != nil {
		return nil, err
	}
	if len(changes) > 0 && changes[0].key == "title" && cur.Title == "" {
		if title, _ := changes[0].value.(string); title == s.renderer.Summarize([]byte(fm+body), file).Title {
			changes = changes[1:]
		}
	}
	if len(changes) == 0 {
		return []byte(fm + body), nil
	}
	if !ok {
		format, block = "yaml", nil
	}
	out, err := applyChanges(format, block, changes)
	if err != nil {
		return nil, problem("content", Invalid, "front_matter_update", "Error", err.Error())
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return []byte(body), nil
	}
	fence := "---\n"
	if format == "toml" {
		fence = "+++\n"
	}
	if ok {
		// The fences as written: "...", spaces after them, a BOM.
		open := fm[:strings.IndexByte(fm, '\n')+1]
		close := fm[len(open)+len(block):]
		return []byte(open + string(out) + close + body), nil
	}
	return []byte(fence + string(out) + fence + body), nil
}

// draftChanges compares the fields with the front matter's values and lists
// what changed, in fieldKeys order, checking each field as it goes.
func draftChanges(f Fields, cur render.FrontMatter) ([]fieldChange, error) {
	var out []fieldChange
	text := func(key, typed, now string, limit int) error {
		v, err := oneLine(key, typed, limit)
		if err != nil {
			return err
		}
		if v != now {
			out = append(out, fieldChange{key: key, value: v, remove: v == ""})
		}
		return nil
	}
	if err := text("title", f.Title, cur.Title, 300); err != nil {
		return nil, err
	}
	if err := text("description", f.Description, cur.Description, 500); err != nil {
		return nil, err
	}
	line, err := oneLine("tags", f.Tags, 1000)
	if err != nil {
		return nil, err
	}
	var tags []string
	for t := range strings.SplitSeq(line, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	if !slices.Equal(tags, cur.Tags) {
		out = append(out, fieldChange{key: "tags", value: tags, remove: len(tags) == 0})
	}
	if err := text("category", f.Category, cur.Category, 100); err != nil {
		return nil, err
	}
	lang, err := oneLine("lang", f.Lang, 40)
	if err != nil {
		return nil, err
	}
	if lang != "" && !strings.EqualFold(lang, cur.Lang) {
		tag, ok := site.NormalizeLang(lang)
		if !ok {
			return nil, problem("lang", Invalid, "bad_lang", "Lang", lang)
		}
		out = append(out, fieldChange{key: "lang", value: tag})
	} else if lang == "" && cur.Lang != "" {
		out = append(out, fieldChange{key: "lang", remove: true})
	}
	return weightChange(out, f.Weight, cur)
}

// markerLine reports whether b has a line that starts a conflict block, as
// a merge writes them.
func markerLine(b []byte) bool {
	for line := range bytes.Lines(b) {
		if bytes.HasPrefix(line, []byte("<<<<<<< ")) || bytes.HasPrefix(line, []byte(">>>>>>> ")) {
			return true
		}
	}
	return false
}

func weightChange(out []fieldChange, typed string, cur render.FrontMatter) ([]fieldChange, error) {
	w, err := oneLine("weight", typed, 12)
	if err != nil {
		return nil, err
	}
	_, had := cur.Raw["weight"]
	for k := range cur.Raw {
		had = had || strings.EqualFold(k, "weight")
	}
	if w == "" {
		if had {
			out = append(out, fieldChange{key: "weight", remove: true})
		}
		return out, nil
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < -1<<31 || n >= 1<<31 {
		return nil, problem("weight", Invalid, "bad_weight")
	}
	if !had || n != cur.Weight {
		out = append(out, fieldChange{key: "weight", value: n})
	}
	return out, nil
}

// applyChanges rewrites a front matter block (the text between its fences)
// with changes, leaving every byte of the entries they do not touch.
func applyChanges(format string, block []byte, changes []fieldChange) ([]byte, error) {
	entries, tables, err := render.FrontMatterEntries(format, block)
	if err != nil {
		return nil, err
	}
	type edit struct {
		start, end int
		with       []byte
	}
	var edits []edit
	var top, added []byte // new entries: the title first, the others last
	for _, c := range changes {
		i := slices.IndexFunc(entries, func(e render.FrontMatterEntry) bool { return strings.EqualFold(e.Key, c.key) })
		switch {
		case i >= 0 && c.remove:
			edits = append(edits, edit{entries[i].Start, entries[i].End, nil})
		case i >= 0:
			e := entries[i]
			line, err := encodeEntry(format, e.Key, c.value, block[e.Line:e.End])
			if err != nil {
				return nil, err
			}
			edits = append(edits, edit{e.Line, e.End, line})
		case !c.remove:
			line, err := encodeEntry(format, c.key, c.value, nil)
			if err != nil {
				return nil, err
			}
			if c.key == "title" {
				top = append(top, line...)
			} else {
				added = append(added, line...)
			}
		}
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	var out []byte
	out = append(out, top...)
	at := 0
	for _, e := range edits {
		out = append(append(out, block[at:e.start]...), e.with...)
		at = e.end
	}
	head := append(out, block[at:tables]...)
	if len(added) > 0 && len(head) > 0 && !bytes.HasSuffix(head, []byte("\n")) {
		head = append(head, '\n')
	}
	return append(append(head, added...), block[tables:]...), nil
}

// encodeEntry writes one key and value as format writes them. A list is
// written in the style of the entry it replaces (old), flow by default;
// a YAML comment at the end of the old line is kept.
func encodeEntry(format, key string, value any, old []byte) ([]byte, error) {
	if format == "toml" {
		b, err := toml.Marshal(map[string]any{key: value})
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", key, err)
		}
		return b, nil
	}
	var v *yaml.Node
	switch x := value.(type) {
	case string:
		v = strNode(x)
	case int:
		v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(x)}
	case []string:
		v = &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, s := range x {
			v.Content = append(v.Content, strNode(s))
		}
	}
	if len(old) > 0 {
		var doc yaml.Node
		if yaml.Unmarshal(old, &doc) == nil && len(doc.Content) == 1 && len(doc.Content[0].Content) == 2 {
			was := doc.Content[0].Content[1]
			if was.Kind == yaml.SequenceNode && v.Kind == yaml.SequenceNode && was.Style&yaml.FlowStyle == 0 {
				v.Style = 0
			}
			if !bytes.Contains(bytes.TrimRight(old, "\n"), []byte("\n")) {
				v.LineComment = was.LineComment
			}
		}
	}
	return encodeYAML(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{strNode(key), v}})
}
