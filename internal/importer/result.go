package importer

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Result is an import ready to commit: pages, attachments and the report.
// Paths are relative to the folder the import goes into.
type Result struct {
	Pages    []*Page
	Files    []File
	Settings *Settings // written as wiki.yaml when the import creates the repository
	Report   *Report
}

// Page is one markdown file to write.
type Page struct {
	Path  string // "discover/index.md"
	Front FrontMatter
	Body  string
}

// File is one attachment to write.
type File struct {
	Path string
	Data []byte
}

// Settings are what a source says about the whole site, for wiki.yaml.
type Settings struct {
	Title, Description, Language string
	Nav                          []string
}

// Field is one front matter key. FrontMatter keeps them in the order they
// were set, so every imported page reads title first, as people write them.
type Field struct {
	Key   string
	Value any
}

// FrontMatter is a page's front matter in order.
type FrontMatter []Field

// Set replaces key's value, or appends it. A nil, empty or zero value
// removes the key.
func (fm *FrontMatter) Set(key string, v any) {
	empty := false
	switch x := v.(type) {
	case nil:
		empty = true
	case string:
		empty = x == ""
	case []string:
		empty = len(x) == 0
	case int:
		empty = x == 0
	case bool:
		empty = !x
	}
	for i, f := range *fm {
		if f.Key == key {
			if empty {
				*fm = append((*fm)[:i], (*fm)[i+1:]...)
			} else {
				(*fm)[i].Value = v
			}
			return
		}
	}
	if !empty {
		*fm = append(*fm, Field{key, v})
	}
}

// Get returns key's value, or nil.
func (fm FrontMatter) Get(key string) any {
	for _, f := range fm {
		if f.Key == key {
			return f.Value
		}
	}
	return nil
}

// Marshal writes the front matter as YAML between "---" fences.
func (fm FrontMatter) Marshal() ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	for _, f := range fm {
		v := &yaml.Node{}
		if s, ok := f.Value.(string); ok && f.Key == "date" && isDate(s) {
			v = &yaml.Node{Kind: yaml.ScalarNode, Value: s}
		} else if err := v.Encode(f.Value); err != nil {
			return nil, fmt.Errorf("front matter %s: %w", f.Key, err)
		}
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: f.Key}, v)
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if len(fm) > 0 {
		if err := enc.Encode(doc); err != nil {
			return nil, err
		}
	}
	enc.Close()
	b.WriteString("---\n")
	return b.Bytes(), nil
}

func isDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i, r := range s {
		if (i == 4 || i == 7) != (r == '-') || r != '-' && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// Bytes is the page's file: front matter, a blank line, the body.
func (p *Page) Bytes() ([]byte, error) {
	fm, err := p.Front.Marshal()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Path, err)
	}
	body := strings.TrimSpace(p.Body)
	if body == "" {
		return fm, nil
	}
	return append(append(fm, '\n'), body+"\n"...), nil
}

// Slug turns a title into a file name: lower case letters and digits of any
// script, apostrophes dropped, every other run of characters one "-".
// "Learn about organisation's risk, threats" becomes
// "learn-about-organisations-risk-threats".
func Slug(title string) string {
	var b strings.Builder
	dash := false
	n := 0
	for _, r := range title {
		switch {
		case r == '\'' || r == '’' || r == '`':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
				n++
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
			n++
		default:
			dash = true
		}
		if n >= 80 {
			break
		}
	}
	if b.Len() == 0 {
		return "page"
	}
	return strings.TrimRight(b.String(), "-")
}

// Names hands out unique file paths, case-insensitively (a wiki is cloned
// onto filesystems that fold case), suffixing "-2", "-3"... in the order
// they are claimed.
type Names struct{ used map[string]bool }

// NewNames starts with the given paths taken.
func NewNames(taken ...string) *Names {
	n := &Names{used: map[string]bool{}}
	for _, t := range taken {
		n.used[strings.ToLower(t)] = true
	}
	return n
}

// Claim returns p, or p with a suffix before its extension when p is taken.
func (n *Names) Claim(p string) string {
	ext := path.Ext(p)
	if strings.Contains(ext, "/") {
		ext = ""
	}
	stem := strings.TrimSuffix(p, ext)
	got := p
	for i := 2; n.used[strings.ToLower(got)]; i++ {
		got = fmt.Sprintf("%s-%d%s", stem, i, ext)
	}
	n.used[strings.ToLower(got)] = true
	return got
}

// Taken reports whether p was claimed.
func (n *Names) Taken(p string) bool { return n.used[strings.ToLower(p)] }

// Finish makes a result safe and tidy before it is committed: every page's
// markdown passes the renderer's sanitizer (what it removes is reported),
// every path is checked, and the lists are sorted.
func (res *Result) Finish() error {
	r := render.New(render.Config{CacheEntries: 1})
	seen := map[string]bool{}
	check := func(p string) error {
		clean, err := wikipath.CleanFile(p)
		if err != nil || clean != p || p == "" {
			return fmt.Errorf("%w: the import produced the path %q: %v", ErrUnsafe, p, err)
		}
		if seen[strings.ToLower(p)] {
			return fmt.Errorf("%w: the import produced %q twice", ErrSource, p)
		}
		seen[strings.ToLower(p)] = true
		return nil
	}
	for _, p := range res.Pages {
		if err := check(p.Path); err != nil {
			return err
		}
		safe, notes := r.SanitizeSource([]byte(p.Body))
		p.Body = string(safe)
		for _, n := range notes {
			res.Report.Problemf(p.Path, "%s", n)
		}
	}
	for _, f := range res.Files {
		if err := check(f.Path); err != nil {
			return err
		}
	}
	sort.Slice(res.Pages, func(i, j int) bool { return res.Pages[i].Path < res.Pages[j].Path })
	sort.Slice(res.Files, func(i, j int) bool { return res.Files[i].Path < res.Files[j].Path })
	res.Report.Pages = len(res.Pages)
	res.Report.AttachmentsCopied = len(res.Files)
	res.Report.Sort()
	return nil
}
