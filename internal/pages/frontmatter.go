package pages

import (
	"bytes"
	"fmt"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"

	"github.com/gitwiki/gitwiki/internal/render"
)

// checkFrontMatter refuses a page whose front matter does not parse, with
// the parser's reason: a page saved that way would lose its metadata.
func checkFrontMatter(src []byte) error {
	if _, _, err := render.ParseFrontMatter(src); err != nil {
		return problem("content", Invalid, "The page's front matter (the block between the --- lines at the top) could not be read: %s. Fix it, or remove the block, and save again.", err.Error())
	}
	return nil
}

// setTitle writes title into the front matter, creating a YAML block when
// there is none. Other keys, their order and comments are kept; the encoder
// quotes the value, so titles with ":" or "#" round-trip.
func setTitle(src []byte, title string) ([]byte, error) {
	format, fm, body, ok := render.SplitFrontMatter(src)
	if !ok {
		out, err := encodeYAML(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{strNode("title"), strNode(title)}})
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
		m["title"] = title
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
	set := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "title" {
			v := strNode(title)
			v.LineComment = m.Content[i+1].LineComment
			m.Content[i+1] = v
			set = true
		}
	}
	if !set {
		m.Content = append([]*yaml.Node{strNode("title"), strNode(title)}, m.Content...)
	}
	out, err := encodeYAML(&doc)
	if err != nil {
		return nil, err
	}
	return join("---\n", out, "---\n", body), nil
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
