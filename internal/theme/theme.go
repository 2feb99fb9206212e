// Package theme turns view models into HTML. A theme is an fs.FS holding
// templates/ and static/; it is parsed and hashed once at start-up so a broken
// theme stops the server before the first request rather than during one.
package theme

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/gitwiki/gitwiki/internal/i18n"
)

// Theme is a parsed theme. It is immutable after Load and safe for
// concurrent use.
type Theme struct {
	// views are the parsed templates, never executed: each language runs
	// its own clone (langViews), whose message functions speak it.
	views   map[string]*template.Template
	catalog *i18n.Catalog
	mu      sync.Mutex
	byLang  map[string]map[string]*template.Template // Lang.ID → view → clone
	assets  map[string]*Asset                        // by hashed name
	names   map[string]string                        // source name → hashed name
	list    []Asset                                  // sorted by source name
}

// Asset is one file from static/, served under its content-hashed name so it
// can be cached for a year.
type Asset struct {
	Name        string // source name relative to static/, e.g. "style.css"
	Hashed      string // e.g. "style.0123456789.css"
	ContentType string
	Data        []byte
}

// requiredViews are the views the wiki renders; a theme without one of them
// fails at Load rather than on the first request that needs it.
var requiredViews = [...]string{"page", "history", "diff", "pages", "recent", "tags", "search", "error", "check", "translations",
	"edit", "move", "delete", "proposals", "proposal", "login", "setup"}

const (
	catalogDir  = "i18n"
	layoutFile  = "templates/layout.html"
	partialsDir = "templates/partials"
	viewsGlob   = "templates/*.html"
)

// Load parses the theme rooted at fsys: templates/layout.html defines
// "layout", templates/partials/*.html are shared by every view, and every
// other templates/*.html is a view named after its file that defines
// "content". For the embedded default use fs.Sub(themes.FS, "default").
//
// Its message catalogs are i18n/<tag>.toml; a theme without them uses
// fallback's (the default theme's), so a custom theme need not translate.
func Load(fsys fs.FS) (*Theme, error) { return LoadWith(fsys, nil) }

// LoadWith is Load with the catalog a theme without its own falls back to.
func LoadWith(fsys fs.FS, fallback *i18n.Catalog) (*Theme, error) {
	t := &Theme{
		views:  make(map[string]*template.Template),
		byLang: make(map[string]map[string]*template.Template),
		assets: make(map[string]*Asset),
		names:  make(map[string]string),
	}
	if err := t.loadTemplates(fsys); err != nil {
		return nil, fmt.Errorf("load theme: %w", err)
	}
	if names, _ := fs.Glob(fsys, catalogDir+"/*.toml"); len(names) > 0 || fallback == nil {
		c, err := i18n.Load(fsys, catalogDir)
		if err != nil {
			return nil, fmt.Errorf("load theme: %w", err)
		}
		t.catalog = c
	} else {
		t.catalog = fallback
	}

	if err := t.loadStatic(fsys); err != nil {
		return nil, fmt.Errorf("load theme: %w", err)
	}
	return t, nil
}

func (t *Theme) loadTemplates(fsys fs.FS) error {
	layout, err := fs.ReadFile(fsys, layoutFile)
	if err != nil {
		return fmt.Errorf("read layout: %w", err)
	}
	base, err := template.New("layout.html").Funcs(funcs()).Parse(string(layout))
	if err != nil {
		return err
	}
	if base.Lookup("layout") == nil {
		return fmt.Errorf("%s does not define \"layout\"", layoutFile)
	}
	partials, err := fs.Glob(fsys, partialsDir+"/*.html")
	if err != nil {
		return err
	}
	for _, name := range partials {
		if err := parseInto(fsys, base, name); err != nil {
			return err
		}
	}
	files, err := fs.Glob(fsys, viewsGlob)
	if err != nil {
		return err
	}
	for _, name := range files {
		if name == layoutFile {
			continue
		}
		view := strings.TrimSuffix(path.Base(name), ".html")
		tmpl, err := base.Clone()
		if err != nil {
			return err
		}
		if err := parseInto(fsys, tmpl, name); err != nil {
			return err
		}
		if tmpl.Lookup("content") == nil {
			return fmt.Errorf("%s does not define \"content\"", name)
		}
		t.views[view] = tmpl
	}
	var missing []string
	for _, v := range requiredViews {
		if t.views[v] == nil {
			missing = append(missing, "templates/"+v+".html")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return nil
}

func parseInto(fsys fs.FS, tmpl *template.Template, name string) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if _, err := tmpl.New(path.Base(name)).Parse(string(b)); err != nil {
		return err
	}
	return nil
}

func (t *Theme) loadStatic(fsys fs.FS) error {
	err := fs.WalkDir(fsys, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && name != "static" {
			// Editor and OS droppings are never served.
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(name, "static/")
		sum := sha256.Sum256(data)
		a := Asset{
			Name:        rel,
			Hashed:      hashedName(rel, hex.EncodeToString(sum[:])[:10]),
			ContentType: contentType(rel),
			Data:        data,
		}
		t.list = append(t.list, a)
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read static: %w", err)
	}
	sort.Slice(t.list, func(i, j int) bool { return t.list[i].Name < t.list[j].Name })
	for i := range t.list {
		a := &t.list[i]
		t.assets[a.Hashed] = a
		t.names[a.Name] = a.Hashed
	}
	return nil
}

// hashedName puts the hash before the extension so the served file keeps a
// type browsers and the static export's file:// readers recognise.
func hashedName(name, hash string) string {
	dir, base := path.Split(name)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	return dir + stem + "." + hash + ext
}

// contentType avoids mime.TypeByExtension for common types because it reads
// the host's mime tables, and builds must not depend on the host.
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// Catalog is the theme's message catalog.
func (t *Theme) Catalog() *i18n.Catalog { return t.catalog }

// Execute renders view with data, in the language of data's Base (English
// without one). It renders into a buffer first so a template error never
// leaves half a page on the wire.
func (t *Theme) Execute(w io.Writer, view string, data any) error {
	tmpl, err := t.view(langOf(data, t.catalog), view)
	if err != nil {
		return err
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if err := tmpl.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("theme: render %s: %w", view, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// bufPool keeps Execute from growing a new buffer for every page, which
// the static export does thousands of times.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// langOf is the language a view is written in: its Base's, else English,
// which is then set in the Base so templates can always use .I18n.
func langOf(data any, c *i18n.Catalog) *i18n.Lang {
	v, ok := data.(interface {
		Language() *i18n.Lang
		setLanguage(*i18n.Lang)
	})
	if !ok {
		return c.Lang(i18n.Source)
	}
	if l := v.Language(); l != nil {
		return l
	}
	l := c.Lang(i18n.Source)
	v.setLanguage(l)
	return l
}

// view is the template of a view that speaks l, cloned from the parsed one
// on first use: html/template cannot clone a template that has run, so the
// parsed ones never run.
func (t *Theme) view(l *i18n.Lang, view string) (*template.Template, error) {
	base, ok := t.views[view]
	if !ok {
		return nil, fmt.Errorf("theme: no view %q", view)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	byView := t.byLang[l.ID()]
	if byView == nil {
		if len(t.byLang) > maxLangClones {
			t.byLang = map[string]map[string]*template.Template{}
		}
		byView = map[string]*template.Template{}
		t.byLang[l.ID()] = byView
	}
	if tmpl, ok := byView[view]; ok {
		return tmpl, nil
	}
	tmpl, err := base.Clone()
	if err != nil {
		return nil, fmt.Errorf("theme: %s: %w", view, err)
	}
	tmpl.Funcs(langFuncs(l))
	tmpl.Funcs(template.FuncMap{"cached": cachedFunc(tmpl, l.ID(), view)})
	byView[view] = tmpl
	return tmpl, nil
}

// maxLangClones bounds the languages (with their catalogs) kept cloned; a
// wiki that changes its _i18n/ files often would otherwise keep every old
// catalog's clones.
const maxLangClones = 64

// HasView reports whether the theme has a view, for optional views a custom
// theme may add.
func (t *Theme) HasView(view string) bool {
	_, ok := t.views[view]
	return ok
}

// AssetName maps a source name ("style.css") to its hashed name.
func (t *Theme) AssetName(name string) (string, bool) {
	h, ok := t.names[name]
	return h, ok
}

// Asset finds an asset by its hashed name, the only name it is served under.
func (t *Theme) Asset(hashed string) (Asset, bool) {
	a, ok := t.assets[hashed]
	if !ok {
		return Asset{}, false
	}
	return *a, true
}

// Assets lists every asset sorted by source name, for the static export.
func (t *Theme) Assets() []Asset {
	return append([]Asset(nil), t.list...)
}
