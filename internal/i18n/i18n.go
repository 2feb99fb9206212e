// Package i18n is the wiki's interface in the reader's language: message
// catalogs (one TOML file per language, in the theme and in the content's
// _i18n/ folder) with CLDR plural rules, dates and numbers formatted for
// the language, and the choice of a language for a reader. It is a leaf:
// the theme, the presentation layer, the server and the export all use it.
package i18n

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Source is the language every key must exist in, and the one a missing
// key falls back to.
const Source = "en"

// ErrCatalog: a catalog file does not parse. The error names the file, and
// the line and key when the parser knows them.
var ErrCatalog = errors.New("bad catalog")

// FileError is a catalog file that does not parse, where the parser says.
type FileError struct {
	File         string
	Line, Column int
	Key          string // "" when the parser cannot tell
	Reason       string
}

func (e *FileError) Error() string {
	msg := fmt.Sprintf("%v: %s:%d:%d: %s", ErrCatalog, e.File, e.Line, e.Column, e.Reason)
	if e.Key != "" {
		msg += " (key " + e.Key + ")"
	}
	return msg
}

func (e *FileError) Unwrap() error { return ErrCatalog }

// Catalog is the messages of every language the wiki speaks. It is
// immutable and safe for concurrent use.
type Catalog struct {
	bundle *goi18n.Bundle
	files  map[string][]byte                     // file name → content, for With
	langs  []string                              // tags, Source first
	keys   map[string]bool                       // the keys of Source
	raw    map[string]map[string]*goi18n.Message // tag → key → message, for scripts
	id     string                                // changes with any file

	mu    sync.Mutex
	cache map[string]*Lang
}

// Load reads every "<tag>.toml" file of dir in fsys. Source must be one of
// them.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		files[n] = b
	}
	return build(files)
}

// With is the catalog with more files laid over it: a content repository's
// _i18n/<tag>.toml adds a language, or replaces some messages of one.
func (c *Catalog) With(files map[string][]byte) (*Catalog, error) {
	if len(files) == 0 {
		return c, nil
	}
	all := make(map[string][]byte, len(c.files)+len(files))
	for k, v := range c.files {
		all[k] = v
	}
	for k, v := range files {
		all["~"+k] = v // after the theme's, so the content's win
	}
	return build(all)
}

func build(files map[string][]byte) (*Catalog, error) {
	c := &Catalog{bundle: goi18n.NewBundle(language.English), files: files, keys: map[string]bool{}, raw: map[string]map[string]*goi18n.Message{}, cache: map[string]*Lang{}}
	c.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	sum := sha256.New()
	seen := map[string]bool{}
	for _, n := range names {
		tag, err := fileTag(n)
		if err != nil {
			return nil, err
		}
		if err := check(n, files[n]); err != nil {
			return nil, err
		}
		mf, err := c.bundle.ParseMessageFileBytes(files[n], strings.TrimPrefix(path.Base(n), "~"))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCatalog, n, err)
		}
		if c.raw[tag] == nil {
			c.raw[tag] = map[string]*goi18n.Message{}
		}
		for _, m := range mf.Messages {
			c.raw[tag][m.ID] = m
			if tag == Source {
				c.keys[m.ID] = true
			}
		}
		if !seen[tag] {
			seen[tag] = true
			c.langs = append(c.langs, tag)
		}
		fmt.Fprintf(sum, "%s\x00%s\x00", n, files[n])
	}
	if !seen[Source] {
		return nil, fmt.Errorf("%w: no %s.toml: every key must exist in English", ErrCatalog, Source)
	}
	sort.Slice(c.langs, func(i, j int) bool {
		if (c.langs[i] == Source) != (c.langs[j] == Source) {
			return c.langs[i] == Source
		}
		return c.langs[i] < c.langs[j]
	})
	c.id = hex.EncodeToString(sum.Sum(nil))[:12]
	return c, nil
}

// fileTag is the language a catalog file is for, from its name.
func fileTag(name string) (string, error) {
	base := strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "~"), ".toml")
	tag, ok := NormalizeLang(base)
	if !ok {
		return "", fmt.Errorf("%w: %s: the file name must be a language tag, such as es.toml or pt-BR.toml", ErrCatalog, name)
	}
	return tag, nil
}

// check parses a file as TOML first, for an error with its line, and
// refuses a message that is not text or a set of plural forms.
func check(name string, b []byte) error {
	var doc map[string]any
	if err := toml.Unmarshal(b, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return &FileError{File: name, Line: row, Column: col, Key: strings.Join(de.Key(), "."), Reason: de.Error()}
		}
		return fmt.Errorf("%w: %s: %v", ErrCatalog, name, err)
	}
	return walk(name, "", doc)
}

var pluralForms = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true, "description": true, "hash": true, "leftdelim": true, "rightdelim": true}

func walk(name, prefix string, m map[string]any) error {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := v.(type) {
		case string:
		case map[string]any:
			plural := len(v) > 0
			for f := range v {
				plural = plural && pluralForms[f]
			}
			if plural {
				if _, ok := v["other"]; !ok {
					return fmt.Errorf("%w: %s: key %s has plural forms but no \"other\"", ErrCatalog, name, key)
				}
				continue
			}
			if err := walk(name, key, v); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: %s: key %s is not text", ErrCatalog, name, key)
		}
	}
	return nil
}

// Languages lists the tags the catalog has, English first.
func (c *Catalog) Languages() []string { return append([]string(nil), c.langs...) }

// Keys lists the keys of the source language, sorted, for tests of
// completeness.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.keys))
	for k := range c.keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Missing lists the source's keys that lang does not translate.
func (c *Catalog) Missing(lang string) []string {
	loc := goi18n.NewLocalizer(c.bundle, lang)
	var out []string
	for _, k := range c.Keys() {
		_, tag, err := loc.LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: k, PluralCount: 2, TemplateData: map[string]any{}})
		if err != nil || base(tag.String()) != base(lang) {
			out = append(out, k)
		}
	}
	return out
}

// Has reports whether the catalog speaks lang (or its base language).
func (c *Catalog) Has(lang string) bool { return c.best(lang) != "" }

// best is the catalog language closest to tag: itself, or its base
// language; "" when none.
func (c *Catalog) best(tag string) string {
	for _, l := range c.langs {
		if strings.EqualFold(l, tag) {
			return l
		}
	}
	b := base(tag)
	for _, l := range c.langs {
		if strings.EqualFold(l, b) {
			return l
		}
	}
	return ""
}

func base(tag string) string {
	b, _, _ := strings.Cut(tag, "-")
	return strings.ToLower(b)
}

// Lang is the interface in one language. tag is the document's language,
// which may have no catalog: the messages then fall back to English, while
// the direction follows the tag.
func (c *Catalog) Lang(tag string) *Lang {
	// Tags as given are remembered too: normalizing one is a parse, and
	// every view asks for its language.
	raw := tag
	c.mu.Lock()
	l, ok := c.cache[raw]
	c.mu.Unlock()
	if ok {
		return l
	}
	if t, ok := NormalizeLang(tag); ok {
		tag = t
	} else {
		tag = Source
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.cache[tag]; ok {
		if len(raw) <= 64 {
			c.cache[raw] = l
		}
		return l
	}
	ui := c.best(tag)
	if ui == "" {
		ui = Source
	}
	l = &Lang{c: c, tag: tag, ui: ui, loc: goi18n.NewLocalizer(c.bundle, ui, Source)}
	if t, err := language.Parse(ui); err == nil {
		l.printer = message.NewPrinter(t)
	} else {
		l.printer = message.NewPrinter(language.English)
	}
	c.cache[tag] = l
	if len(raw) <= 64 {
		c.cache[raw] = l
	}
	return l
}

// Lang translates for one language. Its methods never fail: a key missing
// in the language falls back to English, and a key missing in English (a
// bug the completeness test catches) to nothing.
type Lang struct {
	c       *Catalog
	tag     string // the document's language
	ui      string // the catalog language the messages come from
	loc     *goi18n.Localizer
	printer *message.Printer
	plain   sync.Map // key → text of the messages T gave without arguments
}

// Tag is the document's language; UI the messages' language.
func (l *Lang) Tag() string { return l.tag }
func (l *Lang) UI() string  { return l.ui }

// Dir is "rtl" or "ltr", for the document's language.
func (l *Lang) Dir() string { return Dir(l.tag) }

// ID names the catalog and language, for caches of what they render.
func (l *Lang) ID() string { return l.c.id + ":" + l.tag }

// Catalog is the catalog the language belongs to.
func (l *Lang) Catalog() *Catalog { return l.c }

// T is the message key, with its arguments: an int is the count the
// plural form is chosen by ({{.Count}}), and name-value pairs fill the
// rest ({{.Name}}).
func (l *Lang) T(key string, args ...any) string {
	// A message without arguments is the same every time: localizing it
	// (a template execution) was much of a page's rendering.
	if len(args) == 0 {
		if s, ok := l.plain.Load(key); ok {
			return s.(string)
		}
	}
	cfg := &goi18n.LocalizeConfig{MessageID: key}
	data := map[string]any{}
	for i := 0; i < len(args); i++ {
		switch a := args[i].(type) {
		case int:
			cfg.PluralCount = a
			data["Count"] = l.Number(a)
		case string:
			if i+1 < len(args) {
				data[a] = args[i+1]
				i++
			}
		}
	}
	cfg.TemplateData = data
	// A key missing in the language comes back in English, with an error
	// saying so; only a key missing everywhere has no text.
	s, _ := l.loc.Localize(cfg)
	if len(args) == 0 {
		l.plain.Store(key, s)
	}
	return s
}

// HTML is T for a message with markup: {link}…{/link} (and {link2}…
// {/link2}) become links to the hrefs given as "link" and "link2" (a
// string, or a Link for one with a rel), {b}…{/b} strong text and {code}…
// {/code} code. The message and the values put into it (name-value pairs,
// as for T, and an int for the plural count) are escaped first, and braces
// in the values are kept from making markup; a template.HTML value (a
// <time> element) goes in as it is.
func (l *Lang) HTML(key string, args ...any) template.HTML {
	links := map[string]Link{}
	var data []any
	var raw []string
	for i := 0; i < len(args); i++ {
		if n, ok := args[i].(int); ok {
			data = append(data, n)
			continue
		}
		name, _ := args[i].(string)
		if i+1 >= len(args) {
			break
		}
		v := args[i+1]
		i++
		if name == "link" || strings.HasPrefix(name, "link") && len(name) == 5 {
			switch h := v.(type) {
			case string:
				links[name] = Link{Href: h}
			case Link:
				links[name] = h
			}
			continue
		}
		switch x := v.(type) {
		case string:
			v = strings.ReplaceAll(x, "{", "\ue000")
		case template.HTML:
			v = "\ue001" + strconv.Itoa(len(raw)) + "\ue001"
			raw = append(raw, string(x))
		}
		data = append(data, name, v)
	}
	msg := escapeText(l.T(key, data...))
	for name, ln := range links {
		open := `<a href="` + escapeText(ln.Href) + `"`
		if ln.Rel != "" {
			open += ` rel="` + escapeText(ln.Rel) + `"`
		}
		msg = strings.Replace(msg, "{"+name+"}", open+">", 1)
		msg = strings.Replace(msg, "{/"+name+"}", "</a>", 1)
	}
	for _, tag := range [][3]string{{"{b}", "{/b}", "strong"}, {"{code}", "{/code}", "code"}} {
		msg = strings.ReplaceAll(msg, tag[0], "<"+tag[2]+">")
		msg = strings.ReplaceAll(msg, tag[1], "</"+tag[2]+">")
	}
	for i, r := range raw {
		msg = strings.Replace(msg, "\ue001"+strconv.Itoa(i)+"\ue001", r, 1)
	}
	return template.HTML(strings.ReplaceAll(msg, "\ue000", "{"))
}

// Link is a link of a message with its rel ("license", "nofollow").
type Link struct{ Href, Rel string }

// escapeText escapes what HTML text and a double-quoted attribute need;
// apostrophes stay as they are, for readable pages and goldens.
var escapeText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace

// Number writes n as the language does ("1,234", "1.234", "1 234").
func (l *Lang) Number(n int) string { return l.printer.Sprintf("%d", n) }

// Date writes a day as the language does ("1 December 2026", "1 de
// diciembre de 2026"), in UTC so exports are the same wherever built.
func (l *Lang) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		if f := l.T("date.first"); f != "" {
			day = f
		}
	}
	var b bytes.Buffer
	b.WriteString(l.T("date.format", "Day", day, "Month", l.T("month."+strconv.Itoa(int(t.Month()))), "Year", strconv.Itoa(t.Year())))
	return b.String()
}

// CheckFile reports whether one catalog file would load: its name is a
// language tag and its TOML holds messages. The error names the file, and
// the line and key when the parser knows them.
func CheckFile(name string, b []byte) error {
	if _, err := fileTag(name); err != nil {
		return err
	}
	if err := check(name, b); err != nil {
		return err
	}
	if _, err := goi18n.NewBundle(language.English).ParseMessageFileBytes(b, path.Base(name)); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCatalog, name, err)
	}
	return nil
}
