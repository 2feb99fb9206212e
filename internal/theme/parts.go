package theme

import (
	"html/template"
	"strings"
	"sync"
)

// Parts keeps partials rendered once for many pages: in the static export
// the site header and footer are the same on every page of one depth and
// language, and executing them was a quarter of each page's template
// time. A Parts belongs to one output of one commit (present.Model makes
// them), so what the partials read (the site's settings, the link scheme,
// the language) cannot change under it.
type Parts struct {
	mu sync.Mutex
	m  map[string]template.HTML
}

// NewParts returns an empty set.
func NewParts() *Parts { return &Parts{m: map[string]template.HTML{}} }

func (p *Parts) get(key string) (template.HTML, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h, ok := p.m[key]
	return h, ok
}

func (p *Parts) put(key string, h template.HTML) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[key] = h
}

// cachedFunc is the "cached" template function of one view in one
// language: {{cached "site-footer" .}} executes the partial with the view's
// data, once per Parts (Base.Parts; without one, every time). A partial
// used so must read nothing that differs between the pages of one output:
// no title, no page, no reader.
func cachedFunc(tmpl *template.Template, lang, view string) func(string, any) (template.HTML, error) {
	return func(name string, data any) (template.HTML, error) {
		var parts *Parts
		if b, ok := data.(interface{ parts() *Parts }); ok {
			parts = b.parts()
		}
		key := lang + "\x00" + view + "\x00" + name
		if parts != nil {
			if h, ok := parts.get(key); ok {
				return h, nil
			}
		}
		var b strings.Builder
		if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
			return "", err
		}
		h := template.HTML(b.String())
		if parts != nil {
			parts.put(key, h)
		}
		return h, nil
	}
}
