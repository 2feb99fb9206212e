package jekyll

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// leadingNumber reads the number a name or title starts with: "0103-Data"
// is 103, "01_ Research" is 1; ok is false when there is none.
func leadingNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:i])
	return n, err == nil
}

// explicitWeight is an order the front matter gives: weight, order,
// nav_order or position.
func explicitWeight(d *doc) (int, bool) {
	for _, k := range []string{"weight", "order", "nav_order", "position"} {
		switch v := d.get(k).(type) {
		case int:
			return v, true
		case float64:
			return int(v), true
		case string:
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return n, true
			}
		}
	}
	return 0, false
}

// orderKey sorts siblings as the site orders them: the number of their
// parent (parent-id "03-..."), the number their file name or title starts
// with, pages in the menu (nav-menu) before the others, then the name.
type orderKey struct {
	parent, num int
	numbered    bool
	offMenu     bool
	name        string
}

func keyOf(d *doc) orderKey {
	k := orderKey{parent: -1, num: -1, name: d.src}
	if n, ok := leadingNumber(d.str("parent-id")); ok {
		k.parent, k.numbered = n, true
	}
	stem := strings.TrimSuffix(path.Base(d.src), path.Ext(d.src))
	if _, title, ok := postName(stem); ok && d.coll == "posts" {
		stem = title
	}
	if n, ok := leadingNumber(stem); ok {
		k.num, k.numbered = n, true
	} else if n, ok := leadingNumber(d.title); ok {
		k.num, k.numbered = n, true
	}
	if v, ok := d.get("nav-menu").(bool); ok && !v {
		k.offMenu = true
	}
	return k
}

func (a orderKey) less(b orderKey) bool {
	switch {
	case a.numbered != b.numbered:
		return a.numbered
	case a.parent != b.parent:
		return a.parent < b.parent
	case a.num != b.num:
		return a.num < b.num
	case a.offMenu != b.offMenu:
		return !a.offMenu
	}
	return a.name < b.name
}

// weigh gives pages a weight so each folder lists them in the site's own
// order: an explicit order is kept as it is; otherwise numbered pages (by
// file name, title or parent-id) are weighted 1, 2, 3... in that order.
func (r *run) weigh() {
	groups := map[string][]*doc{}
	for _, s := range r.sites {
		for _, d := range s.docs {
			if path.Base(d.file) == "index.md" {
				continue
			}
			groups[path.Dir(d.file)] = append(groups[path.Dir(d.file)], d)
		}
	}
	for _, ds := range groups {
		explicit := false
		for _, d := range ds {
			if w, ok := explicitWeight(d); ok {
				d.weight, explicit = w, true
			}
		}
		if explicit {
			continue
		}
		sort.SliceStable(ds, func(i, j int) bool { return keyOf(ds[i]).less(keyOf(ds[j])) })
		for i, d := range ds {
			if keyOf(d).numbered {
				d.weight = i + 1
			}
		}
	}
}

// translations links the pages of sites in different languages: the same
// path in the site's folder, else the same number in the same folder (an
// activity "0101-..." named differently in each language). The key is the
// default-language page's path.
func (r *run) translations() {
	for _, s := range r.sites {
		for _, d := range s.docs {
			// A key the source gives (Hugo's translationKey, the ref of
			// jekyll-multiple-languages) wins over any guess.
			for _, k := range []string{"translationKey", "translationkey", "ref", "lang-ref"} {
				if v := d.str(k); v != "" && d.key == "" {
					d.key = v
				}
			}
		}
	}
	if len(r.sites) < 2 {
		return
	}
	def := r.defaultSite()
	byPath, byNum := map[string]*doc{}, map[string]*doc{}
	for _, d := range def.docs {
		byPath[relKey(d)] = d
		if n, ok := leadingNumber(path.Base(relKey(d))); ok {
			byNum[numKey(d, n)] = d
		}
	}
	for _, s := range r.sites {
		if s == def {
			continue
		}
		for _, d := range s.docs {
			if d.key != "" {
				continue
			}
			m := byPath[relKey(d)]
			if n, ok := leadingNumber(path.Base(relKey(d))); ok && m == nil {
				m = byNum[numKey(d, n)]
			}
			if m == nil {
				r.rep.Problemf(d.file, "no page of the %s site matches it: it is not linked as a translation", siteName(def))
				continue
			}
			if m.key == "" {
				m.key = relKey(m)
			}
			d.key = m.key
		}
	}
}

func siteName(s *site) string {
	if s.lang != "" {
		return s.lang
	}
	return s.dir
}

// relKey is a page's path within its site's wiki folder, without ".md".
func relKey(d *doc) string {
	rel := strings.TrimPrefix(d.file, d.site.out+"/")
	if d.site.out == "" {
		rel = d.file
	}
	return strings.TrimSuffix(rel, ".md")
}

func numKey(d *doc, n int) string { return path.Dir(relKey(d)) + "#" + strconv.Itoa(n) }

// dropped are keys of the site's theme or of Jekyll's own that mean
// nothing to the wiki, or that the import turned into something else.
var dropped = map[string]bool{
	"layout": true, "permalink": true, "nav-menu": true, "parent-id": true, "sectionid": true, "sectionclass": true,
	"landing-title": true, "redirect_from": true, "published": true, "categories": true, "image": true,
	"title": true, "description": true, "date": true, "category": true, "tags": true, "lang": true,
	"weight": true, "order": true, "nav_order": true, "position": true, "slug": true, "toc": true,
	"translationKey": true, "translationkey": true, "ref": true, "lang-ref": true,
}

// frontMatter maps a page's front matter to the wiki's keys, and keeps any
// other key with a value.
func (r *run) frontMatter(d *doc) importer.FrontMatter {
	var fm importer.FrontMatter
	fm.Set("title", d.title)
	fm.Set("description", strings.TrimSpace(d.str("description")))
	fm.Set("date", dateOf(d.get("date")))
	lang := d.str("lang")
	if !langTag(lang) {
		lang = d.site.lang
	}
	fm.Set("lang", lang)
	fm.Set("translationKey", d.key)
	fm.Set("weight", d.weight)
	cat := d.str("category")
	if cs := categories(d); cat == "" && cs != "" {
		cat, _, _ = strings.Cut(cs, "/")
	}
	fm.Set("category", cat)
	fm.Set("tags", stringList(d.get("tags")))
	fm.Set("aliases", r.aliases(d))
	if v, ok := d.get("published").(bool); ok && !v {
		fm.Set("draft", true)
	}
	fm.Set("image", r.pageImage(d))
	fm.Set("toc", d.toc)
	for _, f := range d.fm {
		if dropped[f.key] || f.val == nil || fm.Get(f.key) != nil {
			continue
		}
		fm.Set(f.key, f.val)
	}
	return fm
}

func dateOf(v any) string {
	switch v := v.(type) {
	case time.Time:
		return v.Format("2006-01-02")
	case string:
		s := strings.TrimSpace(v)
		if len(s) >= 10 {
			if _, err := time.Parse("2006-01-02", s[:10]); err == nil {
				return s[:10]
			}
		}
		return s
	}
	return ""
}

func stringList(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		out = strings.Fields(strings.ReplaceAll(v, ",", " "))
	case []any:
		for _, e := range v {
			if e != nil {
				out = append(out, fmt.Sprint(e))
			}
		}
	}
	return out
}

// aliases are the URLs the page had (its permalink, with and without
// ".html" as GitHub Pages serves both, under the site's base URL) and
// those jekyll-redirect-from listed.
func (r *run) aliases(d *doc) []string {
	full := d.site.cfg.BaseURL + d.url
	var cands []string
	switch {
	case strings.HasSuffix(full, ".html"):
		cands = []string{full, strings.TrimSuffix(full, ".html")}
	case strings.HasSuffix(full, "/"):
		cands = []string{strings.TrimSuffix(full, "/")}
	default:
		cands = []string{full, full + ".html"}
	}
	cands = append(cands, stringList(d.get("redirect_from"))...)
	var out []string
	seen := map[string]bool{}
	for _, a := range cands {
		a = "/" + strings.Trim(a, "/")
		p, err := wikipath.Parse(a)
		if err != nil || p == "" || seen[a] || r.isPage(string(p)) {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

// isPage reports whether name is a page the import writes, which an alias
// must not shadow.
func (r *run) isPage(name string) bool {
	for _, s := range r.sites {
		for _, d := range s.docs {
			p, _ := wikipath.FromFile(d.file)
			if string(p) == name {
				return true
			}
		}
	}
	return false
}

// pageImage keeps a page's image (a theme's header picture) when the
// source has it, copied and linked from the page's folder; else it is
// dropped and reported.
func (r *run) pageImage(d *doc) string {
	img := d.str("image")
	if img == "" || img == "null" {
		return ""
	}
	ref := img
	if !strings.HasPrefix(ref, "/") && !importer.IsExternal(ref) {
		ref = d.site.cfg.BaseURL + "/" + ref // themes read page images from the site's root
	}
	t, ok := r.resolve(d, ref)
	if ok && t.static != "" {
		if f, ok := r.copyStatic(d.site, t.static); ok {
			return importer.RelURL(d.file, f, "")
		}
	}
	r.rep.Problemf(d.file, "the page image %s is not in the source: dropped", img)
	return ""
}
