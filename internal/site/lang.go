package site

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gitwiki/gitwiki/internal/i18n"

	"golang.org/x/sync/singleflight"
	"gopkg.in/yaml.v3"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Language is one language of the wiki. In wiki.yaml it is written as a
// tag ("es") or as a mapping:
//
//	language: en
//	languages:
//	  - en
//	  - code: es
//	    folder: es
//	    name: Español
//	  - code: ar        # no folder: pages say lang: ar in their front matter
//
// A language without a folder still gets one when the wiki has a top-level
// folder named like its tag, so `languages: [en, es]` is enough for a wiki
// kept as en/ and es/.
type Language struct {
	Code   string        `yaml:"code"`   // canonical BCP 47 tag: "es", "pt-BR"
	Folder wikipath.Page `yaml:"folder"` // where its pages live, "" when front matter says
	Name   string        `yaml:"name"`   // as wiki.yaml writes it; "" lets the theme name it
}

// UnmarshalYAML accepts a bare tag as well as a mapping.
func (l *Language) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = Language{Code: n.Value}
		return nil
	}
	type plain Language
	return n.Decode((*plain)(l))
}

// maxLanguages bounds wiki.yaml's list; no wiki has more, and every page
// view and report walks it.
const maxLanguages = 200

// NormalizeLang canonicalises a BCP 47 tag ("pt-br" → "pt-BR"); ok is
// false for what is no language tag.
func NormalizeLang(s string) (tag string, ok bool) { return i18n.NormalizeLang(s) }

// Dir is the text direction of a language tag, "rtl" or "ltr".
func Dir(tag string) string { return i18n.Dir(tag) }

// Language setting errors, reported with wiki.yaml's other problems.
var errLanguages = errors.New("languages")

// settleLanguages canonicalises the site language and the languages list.
// Bad entries are dropped and reported; the rest still apply.
func settleLanguages(site string, list []Language) (string, []Language, error) {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %w: "+format, append([]any{SettingsFile, errLanguages}, a...)...))
	}
	out := DefaultSettings().Language
	if site != "" {
		if t, ok := NormalizeLang(site); ok {
			out = t
		} else {
			bad("language %q is not a language tag such as en, es or pt-BR; using %s", site, out)
		}
	}
	if len(list) > maxLanguages {
		bad("more than %d languages; the rest are ignored", maxLanguages)
		list = list[:maxLanguages]
	}
	var langs []Language
	for _, l := range list {
		code, ok := NormalizeLang(l.Code)
		if !ok {
			bad("%q is not a language tag such as en, es or pt-BR", l.Code)
			continue
		}
		folder, err := wikipath.Parse(strings.TrimSuffix(string(l.Folder), ".md"))
		if err != nil || hidden(folder) {
			bad("the folder of %s, %q, is not a folder of the wiki", code, l.Folder)
			folder = ""
		}
		if i := slices.IndexFunc(langs, func(o Language) bool { return o.Code == code }); i >= 0 {
			bad("%s is listed twice", code)
			continue
		}
		if i := slices.IndexFunc(langs, func(o Language) bool { return overlaps(o.Folder, folder) }); i >= 0 && folder != "" {
			bad("the folders of %s and %s overlap; %s keeps none", langs[i].Code, code, code)
			folder = ""
		}
		langs = append(langs, Language{Code: code, Folder: folder, Name: strings.TrimSpace(l.Name)})
	}
	return out, langs, errors.Join(errs...)
}

// overlaps reports whether one folder is the other or lies inside it.
func overlaps(a, b wikipath.Page) bool {
	if a == "" || b == "" {
		return false
	}
	return a == b || inFolder(a, b) || inFolder(b, a)
}

// inFolder reports whether page p is folder f's page or lies below it.
func inFolder(p, f wikipath.Page) bool {
	return p == f || strings.HasPrefix(string(p), string(f)+"/")
}

// effectiveLanguages are the site's languages with their folders: wiki.yaml's
// list when it has one, else top-level folders named like languages when
// one of them is the site language's (SDA's en/ and es/), so a wiki that
// happens to have an "hr" or "it" folder is not taken for Croatian or
// Italian. The site language comes first, the others by tag.
func effectiveLanguages(set Settings, top []wikipath.Page) []Language {
	byName := map[string]wikipath.Page{}
	for _, f := range top {
		byName[string(f)] = f
	}
	folderFor := func(code string) wikipath.Page {
		for _, n := range []string{code, strings.ToLower(code)} {
			if f, ok := byName[n]; ok {
				return f
			}
		}
		return ""
	}
	var langs []Language
	if len(set.Languages) > 0 {
		used := map[wikipath.Page]bool{}
		for _, l := range set.Languages {
			used[l.Folder] = l.Folder != ""
		}
		for _, l := range set.Languages {
			if f := folderFor(l.Code); l.Folder == "" && f != "" && !used[f] {
				l.Folder, used[f] = f, true
			}
			langs = append(langs, l)
		}
	} else {
		langs = inferLanguages(set.Language, top)
	}
	if !slices.ContainsFunc(langs, func(l Language) bool { return l.Code == set.Language }) {
		langs = append(langs, Language{Code: set.Language, Folder: folderFor(set.Language)})
	}
	slices.SortFunc(langs, func(a, b Language) int {
		switch {
		case a.Code == set.Language:
			return -1
		case b.Code == set.Language:
			return 1
		}
		return strings.Compare(a.Code, b.Code)
	})
	return langs
}

func inferLanguages(site string, top []wikipath.Page) []Language {
	var langs []Language
	hasSite := false
	for _, f := range top {
		if base, _, _ := strings.Cut(string(f), "-"); len(base) != 2 || base != strings.ToLower(base) {
			continue
		}
		code, ok := NormalizeLang(string(f))
		if !ok || slices.ContainsFunc(langs, func(l Language) bool { return l.Code == code }) {
			continue
		}
		hasSite = hasSite || code == site
		langs = append(langs, Language{Code: code, Folder: f})
	}
	if !hasSite || len(langs) < 2 {
		return nil
	}
	return langs
}

// FindingKind sorts the warnings about languages and translations.
type FindingKind int

const (
	FindingLang          FindingKind = iota + 1 // a lang that is no language tag
	FindingDuplicate                            // two pages claim one language of a translation
	FindingTranslationOf                        // a translationOf that names no usable commit
	FindingOutdated                             // a translation behind its source
	FindingMissing                              // a configured language lacks a translation
)

// l10n is a site's languages and translation groups, derived at load from
// paths, wiki.yaml and front matter. What git must answer (the status of
// each translation) is filled in lazily and kept for the site's lifetime.
type l10n struct {
	languages  []Language
	siteFolder bool // the site language has a folder: pages outside every language folder are not matched by path
	pages      layer[*Page, *pageLang]
	groups     []*group // by key
	findings   []Finding

	mu     sync.Mutex
	status map[*group]*groupStatus
	report *TranslationReport
	flight singleflight.Group
}

// pageLang is what the site knows of one page's language.
type pageLang struct {
	lang   string
	folder *Language     // the language folder the page lies in, nil when none
	rel    wikipath.Page // path inside folder, or from the root; meaningful when key is derived from it
	key    string        // translation identity: translationKey, else rel ("index" for a folder's own page)
	group  *group
}

// group is a page and its translations: one page per language.
type group struct {
	key     string
	members []member // by language
	source  *Page    // nil when no page can be told to be the original
}

type member struct {
	lang string
	page *Page
}

func (g *group) page(lang string) *Page {
	for _, m := range g.members {
		if m.lang == lang {
			return m.page
		}
	}
	return nil
}

// indexLanguages runs at load, after pages and folders are known.
func (s *Site) indexLanguages() {
	seen := map[wikipath.Page]bool{}
	var top []wikipath.Page
	for f := range s.files.all() {
		if d, _, ok := strings.Cut(f, "/"); ok && !seen[wikipath.Page(d)] && !hidden(wikipath.Page(d)) {
			seen[wikipath.Page(d)] = true
			top = append(top, wikipath.Page(d))
		}
	}
	slices.Sort(top)
	x := &l10n{languages: effectiveLanguages(s.Settings, top), pages: newLayer[*Page, *pageLang](), status: map[*group]*groupStatus{}}
	x.siteFolder = x.languages[0].Folder != ""
	s.l10n = x
	for _, p := range s.sorted {
		x.pages.set(p, s.resolveLang(p))
	}
	s.groupTranslations()
}

// folderOf is the language whose folder holds name, the deepest one first.
func (x *l10n) folderOf(name wikipath.Page) *Language {
	var best *Language
	for i := range x.languages {
		l := &x.languages[i]
		if l.Folder != "" && inFolder(name, l.Folder) && (best == nil || len(l.Folder) > len(best.Folder)) {
			best = l
		}
	}
	return best
}

// resolveLang decides a page's language: its front-matter lang, else its
// folder's, else the site's. A lang that is no language tag is reported
// and ignored, so the page still renders in a language a browser knows.
func (s *Site) resolveLang(p *Page) *pageLang {
	x := s.l10n
	pl := &pageLang{lang: s.Settings.Language, folder: x.folderOf(p.Name)}
	if pl.folder != nil {
		pl.lang = pl.folder.Code
		pl.rel = wikipath.Page(strings.TrimPrefix(strings.TrimPrefix(string(p.Name), string(pl.folder.Folder)), "/"))
	} else if !x.siteFolder {
		pl.rel = p.Name
	}
	fm := p.FrontMatter()
	if raw := fm.Lang; raw != "" {
		if t, ok := NormalizeLang(raw); ok {
			pl.lang = t
		} else if !p.Hidden {
			x.findings = append(x.findings, Finding{Kind: FindingLang, Page: p.Name, File: p.File, Value: raw, Lang: pl.lang}.with("lang_bad", -1, "Raw", raw, "Lang", pl.lang))
		}
	}
	switch {
	case p.Hidden:
	case fm.TranslationKey != "":
		pl.key = fm.TranslationKey
	case pl.folder != nil || !x.siteFolder:
		pl.key = relKey(pl.rel)
	}
	return pl
}

func relKey(rel wikipath.Page) string {
	if rel == wikipath.Root {
		return "index"
	}
	return string(rel)
}

// groupTranslations links pages sharing a translation identity. Pages with
// an explicit translationKey claim their language first, so a page matched
// only by its path never displaces one a translator linked on purpose.
func (s *Site) groupTranslations() {
	x := s.l10n
	byKey := map[string]*group{}
	for _, explicit := range []bool{true, false} {
		for _, p := range s.sorted {
			pl := x.pages.at(p)
			if pl.key == "" || (p.FrontMatter().TranslationKey != "") != explicit {
				continue
			}
			g := byKey[pl.key]
			if g == nil {
				g = &group{key: pl.key}
				byKey[pl.key] = g
				x.groups = append(x.groups, g)
			}
			if other := g.page(pl.lang); other != nil {
				x.findings = append(x.findings, Finding{Kind: FindingDuplicate, Page: p.Name, File: p.File, Lang: pl.lang, Value: pl.key}.with("lang_duplicate", -1, "Other", other.File, "Lang", pl.lang, "Key", pl.key))
				continue
			}
			g.members = append(g.members, member{pl.lang, p})
			pl.group = g
		}
	}
	slices.SortFunc(x.groups, func(a, b *group) int { return strings.Compare(a.key, b.key) })
	for _, g := range x.groups {
		slices.SortFunc(g.members, func(a, b member) int { return strings.Compare(a.lang, b.lang) })
		g.source = s.chooseSource(g)
	}
	slices.SortStableFunc(x.findings, func(a, b Finding) int { return strings.Compare(a.File, b.File) })
}

// chooseSource picks the original of a group: the one page without
// translationOf when the others have one (a page first written in Spanish),
// else the page in the site language.
func (s *Site) chooseSource(g *group) *Page {
	var without []*Page
	with := false
	for _, m := range g.members {
		if _, ok := translationOf(m.page); ok {
			with = true
		} else {
			without = append(without, m.page)
		}
	}
	if with && len(without) == 1 {
		return without[0]
	}
	return g.page(s.Settings.Language)
}

// translationOf is a page's front-matter translationOf as decoded; ok
// reports whether the key has a value at all.
func translationOf(p *Page) (v any, ok bool) {
	for k, v := range p.FrontMatter().Raw {
		if strings.EqualFold(k, "translationOf") && v != nil {
			return v, true
		}
	}
	return nil, false
}

// Languages are the wiki's languages with their folders, the site language
// first, then by tag.
func (s *Site) Languages() []Language { return s.l10n.languages }

// LanguageOf finds one of the wiki's languages by tag.
func (s *Site) LanguageOf(code string) (Language, bool) {
	code, _ = NormalizeLang(code)
	for _, l := range s.l10n.languages {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

// LanguageFindings are the problems the site sees without reading history:
// lang values that are no language tag, and pages that claim a language a
// translation already has. Sorted by file.
func (s *Site) LanguageFindings() []Finding { return s.l10n.findings }

func (s *Site) pageLang(p *Page) *pageLang {
	if pl, ok := s.l10n.pages.get(p); ok {
		return pl
	}
	if q, ok := s.pages.get(p.Name); ok && q.Blob == p.Blob {
		return s.l10n.pages.at(q)
	}
	return nil
}

func (s *Site) lang(p *Page) string {
	if pl := s.pageLang(p); pl != nil {
		return pl.lang
	}
	if t, ok := NormalizeLang(p.FrontMatter().Lang); ok {
		return t
	}
	return s.Settings.Language
}

func (s *Site) translations(p *Page) []*Page {
	pl := s.pageLang(p)
	if pl == nil || pl.group == nil {
		return nil
	}
	var out []*Page
	for _, m := range pl.group.members {
		if m.page.Name != p.Name {
			out = append(out, m.page)
		}
	}
	return out
}

// FolderLang is the language of a folder under a language's folder; ok is
// false outside every language folder.
func (s *Site) FolderLang(name wikipath.Page) (string, bool) {
	if l := s.l10n.folderOf(name); l != nil {
		return l.Code, true
	}
	return "", false
}

// CatalogFiles are the interface catalogs the content adds or overrides:
// the files of _i18n/, by path.
func (s *Site) CatalogFiles(ctx context.Context) (map[string][]byte, error) {
	out := map[string][]byte{}
	if s.tops[CatalogDir] == 0 {
		return out, nil // most wikis have none: no need to walk every file
	}
	for path, e := range s.files.all() {
		if !strings.HasPrefix(path, CatalogDir+"/") || !strings.HasSuffix(path, ".toml") {
			continue
		}
		b, err := s.loader.repo.ReadBlob(ctx, e.Blob, 256<<10)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		out[path] = b
	}
	return out, nil
}
