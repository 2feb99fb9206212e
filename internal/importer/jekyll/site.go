package jekyll

import (
	"fmt"
	"path"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/render"
)

// site is one Jekyll site of the source.
type site struct {
	dir  string // its folder in the source, "" at the top
	out  string // its folder in the wiki
	cfg  config
	lang string

	docs    []*doc
	byURL   map[string]*doc   // folded URL (see urlKey) → page
	statics map[string]string // path in the site → source file
	folded  map[string]string // lower-cased path in the site → source file
}

// config is what the importer reads of _config.yml.
type config struct {
	Title       string         `yaml:"title"`
	Description string         `yaml:"description"`
	BaseURL     string         `yaml:"baseurl"`
	URL         string         `yaml:"url"`
	Lang        string         `yaml:"lang"`
	Locale      string         `yaml:"locale"`
	Permalink   string         `yaml:"permalink"`
	Exclude     []string       `yaml:"exclude"`
	Collections yaml.Node      `yaml:"collections"`
	Defaults    []defaultsRule `yaml:"defaults"`

	collections map[string]collection
}

type collection struct {
	Output    bool   `yaml:"output"`
	Permalink string `yaml:"permalink"`
}

type defaultsRule struct {
	Scope struct {
		Path string `yaml:"path"`
		Type string `yaml:"type"`
	} `yaml:"scope"`
	Values map[string]any `yaml:"values"`
}

// doc is one page or collection document.
type doc struct {
	site  *site
	src   string // source file
	rel   string // its file in the site's wiki folder: "activities/0101-x.md"
	coll  string // collection name, "" for a page
	fm    []field
	body  string
	url   string // the URL Jekyll gives it, without the base URL
	title string
	file  string // the file written

	weight int
	key    string // translationKey
	toc    bool
}

// field is one front matter key, in the order the source wrote them.
type field struct {
	key string
	val any
}

func (d *doc) get(key string) any {
	for _, f := range d.fm {
		if f.key == key {
			return f.val
		}
	}
	return nil
}

func (d *doc) str(key string) string {
	switch v := d.get(key).(type) {
	case string:
		return strings.TrimSpace(v)
	case nil:
		return ""
	default:
		return strings.TrimSpace(fmt.Sprint(v))
	}
}

func (s *site) path(f string) string {
	if s.dir == "" {
		return f
	}
	return s.dir + "/" + f
}

// loadSite reads _config.yml and sorts the site's files into pages,
// collection documents and static files.
func (r *run) loadSite(s *site) error {
	b, err := r.src.ReadFile(s.path("_config.yml"))
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, &s.cfg); err != nil {
		return fmt.Errorf("%w: %s: %v", importer.ErrSource, s.path("_config.yml"), err)
	}
	s.cfg.BaseURL = "/" + strings.Trim(strings.TrimSpace(s.cfg.BaseURL), "/")
	if s.cfg.BaseURL == "/" {
		s.cfg.BaseURL = ""
	}
	s.cfg.URL = strings.TrimRight(strings.TrimSpace(s.cfg.URL), "/")
	s.cfg.collections = readCollections(&s.cfg.Collections)
	s.lang = siteLang(s)
	s.byURL, s.statics, s.folded = map[string]*doc{}, map[string]string{}, map[string]string{}
	for _, f := range r.src.Files() {
		if r.siteOf(f) != s {
			continue
		}
		rel := strings.TrimPrefix(f, s.dir+"/")
		if s.dir == "" {
			rel = f
		}
		if err := r.sortFile(s, f, rel); err != nil {
			return err
		}
	}
	return nil
}

// readCollections accepts both forms Jekyll does: a map of settings, or a
// list of names.
func readCollections(n *yaml.Node) map[string]collection {
	out := map[string]collection{"posts": {Output: true, Permalink: "/:categories/:year/:month/:day/:title:output_ext"}}
	switch n.Kind {
	case yaml.MappingNode:
		var m map[string]collection
		if n.Decode(&m) == nil {
			for k, v := range m {
				out[k] = v
			}
		}
	case yaml.SequenceNode:
		var l []string
		if n.Decode(&l) == nil {
			for _, k := range l {
				out[k] = collection{}
			}
		}
	}
	return out
}

// siteLang is the site's language: lang or locale in _config.yml, else its
// folder's name when that reads as a language tag ("es", "pt-BR").
func siteLang(s *site) string {
	for _, l := range []string{s.cfg.Lang, s.cfg.Locale} {
		if l = strings.ReplaceAll(strings.TrimSpace(l), "_", "-"); langTag(l) {
			return l
		}
	}
	if langTag(s.dir) {
		return s.dir
	}
	return ""
}

func langTag(s string) bool {
	main, region, _ := strings.Cut(s, "-")
	if len(main) != 2 || !isLower(main) {
		return false
	}
	return region == "" || len(region) == 2 || len(region) == 4
}

func isLower(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// skipped are the site's files that are theme or build machinery.
var skipped = map[string]bool{
	"_layouts": true, "_includes": true, "_sass": true, "_data": true, "_plugins": true, "_site": true,
	"_drafts": true, "node_modules": true, "vendor": true, "Gemfile": true, "Gemfile.lock": true,
	"_config.yml": true, "package.json": true, "package-lock.json": true,
}

var pageExts = map[string]bool{".md": true, ".markdown": true, ".mdown": true, ".mkd": true, ".html": true, ".htm": true}

func (r *run) sortFile(s *site, f, rel string) error {
	top, _, _ := strings.Cut(rel, "/")
	if skipped[top] || skipped[rel] || excluded(s, rel) {
		return nil
	}
	ext := strings.ToLower(path.Ext(rel))
	coll := ""
	if strings.HasPrefix(top, "_") {
		if _, ok := s.cfg.collections[top[1:]]; !ok || !strings.Contains(rel, "/") {
			return nil
		}
		coll = top[1:]
	}
	if !pageExts[ext] {
		if coll == "" {
			s.statics[rel] = f
			s.folded[strings.ToLower(rel)] = f
		}
		return nil
	}
	b, err := r.src.ReadFile(f)
	if err != nil {
		return err
	}
	_, _, _, hasFM := render.SplitFrontMatter(b)
	if (ext == ".html" || ext == ".htm") && !hasFM {
		s.statics[rel] = f
		s.folded[strings.ToLower(rel)] = f
		return nil
	}
	d := &doc{site: s, src: f, coll: coll}
	if err := r.readDoc(d, b); err != nil {
		r.rep.Problemf(f, "%v", err)
	}
	d.rel, d.url = docPlace(s, d, rel)
	s.docs = append(s.docs, d)
	s.byURL[urlKey(d.url)] = d
	return nil
}

func excluded(s *site, rel string) bool {
	for _, e := range s.cfg.Exclude {
		e = strings.Trim(e, "/")
		if e != "" && (rel == e || strings.HasPrefix(rel, e+"/")) {
			return true
		}
	}
	return false
}

// readDoc reads the front matter (in order, with _config.yml's defaults
// under it) and the body.
func (r *run) readDoc(d *doc, b []byte) error {
	format, fmText, body, ok := render.SplitFrontMatter(b)
	d.body = string(body)
	if ok {
		if format != "yaml" {
			return fmt.Errorf("front matter is %s; Jekyll reads YAML only", format)
		}
		if _, _, err := render.ParseFrontMatter(b); err != nil {
			return err
		}
		var n yaml.Node
		if err := yaml.Unmarshal(fmText, &n); err != nil {
			return fmt.Errorf("front matter: %v", err)
		}
		if len(n.Content) == 1 && n.Content[0].Kind == yaml.MappingNode {
			m := n.Content[0]
			for i := 0; i+1 < len(m.Content); i += 2 {
				var v any
				_ = m.Content[i+1].Decode(&v)
				d.fm = append(d.fm, field{m.Content[i].Value, v})
			}
		}
	}
	for _, rule := range d.site.cfg.Defaults {
		if !rule.applies(d) {
			continue
		}
		for k, v := range rule.Values {
			if d.get(k) == nil {
				d.fm = append(d.fm, field{k, v})
			}
		}
	}
	d.title = importer.CleanTitle(d.str("title"))
	return nil
}

func (rule defaultsRule) applies(d *doc) bool {
	t := rule.Scope.Type
	switch {
	case t == "" || t == d.coll:
	case t == "pages" && d.coll == "":
	default:
		return false
	}
	p := strings.Trim(rule.Scope.Path, "/")
	rel := strings.TrimPrefix(strings.TrimPrefix(d.src, d.site.dir), "/")
	return p == "" || rel == p || strings.HasPrefix(rel, p+"/")
}

// slugify is Jekyll's default slug: lower case, every run of characters
// other than letters and digits one "-".
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		} else {
			dash = true
		}
	}
	return b.String()
}
