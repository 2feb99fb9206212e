package pages

import (
	"bytes"
	"fmt"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
)

// checkFrontMatter refuses a page whose front matter does not parse, with
// the parser's reason: a page saved that way would lose its metadata.
func checkFrontMatter(src []byte) error {
	if _, _, err := render.ParseFrontMatter(src); err != nil {
		return problem("content", Invalid, "front_matter", "Error", err.Error())
	}
	return nil
}

// setTitle writes title into the front matter; see SetFrontMatter.
func setTitle(src []byte, title string) ([]byte, error) {
	return SetFrontMatter(src, []site.Field{{Key: "title", Value: title}})
}

// SetFrontMatter sets keys of the front matter, creating a YAML block when
// there is none. Other keys, their order and comments are kept; a new key
// goes first if it is the title, else last. The encoder quotes values, so
// ones with ":" or "#" round-trip. The translation editor starts from a
// source page this way, with its lang, translationKey and translationOf.
func SetFrontMatter(src []byte, fields []site.Field) ([]byte, error) {
	format, fm, body, ok := render.SplitFrontMatter(src)
	if !ok {
		m := &yaml.Node{Kind: yaml.MappingNode}
		setYAML(m, fields)
		out, err := encodeYAML(m)
		if err != nil {
			return nil, err
		}
		return append(append([]byte("---\n"), out...), append([]byte("---\n"), src...)...), nil
	}
	switch format {
	case "toml":
		m := map[string]any{}
		if err := toml.Unmarshal(fm, &m); err != nil {
			return nil, err
		}
		for _, f := range fields {
			m[f.Key] = f.Value
		}
		out, err := toml.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("write front matter: %w", err)
		}
		return join("+++\n", out, "+++\n", body), nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return nil, err
	}
	var m *yaml.Node
	switch {
	case doc.Kind == 0: // empty front matter
		m = &yaml.Node{Kind: yaml.MappingNode}
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{m}}
	case len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode:
		m = doc.Content[0]
	default:
		return nil, fmt.Errorf("the front matter is not a list of keys and values")
	}
	setYAML(m, fields)
	out, err := encodeYAML(&doc)
	if err != nil {
		return nil, err
	}
	return join("---\n", out, "---\n", body), nil
}

// setYAML sets fields in a YAML mapping, keeping line comments.
func setYAML(m *yaml.Node, fields []site.Field) {
	for _, f := range fields {
		set := false
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == f.Key {
				v := strNode(f.Value)
				v.LineComment = m.Content[i+1].LineComment
				m.Content[i+1] = v
				set = true
			}
		}
		switch {
		case set:
		case f.Key == "title":
			m.Content = append([]*yaml.Node{strNode(f.Key), strNode(f.Value)}, m.Content...)
		default:
			m.Content = append(m.Content, strNode(f.Key), strNode(f.Value))
		}
	}
}

func strNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func encodeYAML(n *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("write front matter: %w", err)
	}
	enc.Close()
	return buf.Bytes(), nil
}

func join(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			b = append(b, v...)
		case []byte:
			b = append(b, v...)
		}
	}
	return b
}
