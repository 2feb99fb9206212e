package jekyll

import (
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// docPlace gives a document its file in the wiki and the URL Jekyll serves
// it at (without the base URL). Collections lose their leading "_" and
// their documents are named as Jekyll names them in URLs (":name",
// slugified), so "_activities/0103-Data mapping.md" becomes
// "activities/0103-data-mapping.md".
func docPlace(s *site, d *doc, rel string) (out, u string) {
	dir, base := path.Split(rel)
	stem := strings.TrimSuffix(base, path.Ext(base))
	if d.coll != "" {
		inColl := strings.TrimPrefix(rel, "_"+d.coll+"/")
		cdir, _ := path.Split(inColl)
		vars := map[string]string{
			"collection": d.coll, "path": strings.TrimSuffix(inColl, path.Ext(inColl)),
			"name": slugify(stem), "title": slugify(stem), "slug": slugify(stem), "output_ext": ".html",
			"basename": stem, "categories": "",
		}
		name := slugify(stem)
		if d.coll == "posts" {
			if date, title, ok := postName(stem); ok {
				vars["year"], vars["month"], vars["day"] = date[:4], date[5:7], date[8:10]
				vars["title"], vars["slug"] = slugify(title), slugify(title)
				name = date + "-" + slugify(title)
				if d.get("date") == nil {
					d.fm = append(d.fm, field{"date", date})
				}
			}
			if c := categories(d); c != "" {
				vars["categories"] = c
			}
		}
		pattern := s.cfg.collections[d.coll].Permalink
		if pattern == "" {
			pattern = "/:collection/:path:output_ext"
		}
		if p := d.str("permalink"); p != "" {
			pattern = p
		}
		return path.Join(d.coll, slugDir(cdir), name+".md"), expand(pattern, vars)
	}
	clean := stem
	if !plainName(stem) {
		clean = slugify(stem)
	}
	out = path.Join(dir, clean+".md")
	switch {
	case stem == "index":
		u = "/" + dir
	case s.cfg.Permalink == "pretty" || strings.HasSuffix(s.cfg.Permalink, "/"):
		u = "/" + dir + stem + "/"
	default:
		u = "/" + dir + stem + ".html"
	}
	if p := d.str("permalink"); p != "" {
		u = expand(p, map[string]string{"path": strings.TrimSuffix(rel, path.Ext(rel)), "basename": stem, "output_ext": ".html", "title": slugify(stem), "name": slugify(stem)})
	}
	return out, u
}

var plainNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func plainName(s string) bool { return plainNameRE.MatchString(s) }

func slugDir(d string) string {
	var segs []string
	for _, s := range strings.Split(strings.Trim(d, "/"), "/") {
		if s != "" {
			segs = append(segs, slugify(s))
		}
	}
	return strings.Join(segs, "/")
}

// postName splits "2020-01-31-title" into its date and title.
func postName(stem string) (date, title string, ok bool) {
	if len(stem) > 11 && stem[4] == '-' && stem[7] == '-' && stem[10] == '-' {
		return stem[:10], stem[11:], true
	}
	return "", "", false
}

func categories(d *doc) string {
	var cs []string
	switch v := d.get("categories").(type) {
	case string:
		cs = strings.Fields(v)
	case []any:
		for _, c := range v {
			if s, ok := c.(string); ok {
				cs = append(cs, s)
			}
		}
	}
	if c := d.str("category"); c != "" && len(cs) == 0 {
		cs = []string{c}
	}
	for i := range cs {
		cs[i] = slugify(cs[i])
	}
	return strings.Join(cs, "/")
}

var placeholder = regexp.MustCompile(`:([a-z_]+)`)

// expand fills a permalink pattern's placeholders.
func expand(pattern string, vars map[string]string) string {
	out := placeholder.ReplaceAllStringFunc(pattern, func(m string) string {
		if v, ok := vars[m[1:]]; ok {
			return v
		}
		return m
	})
	for strings.Contains(out, "//") {
		out = strings.ReplaceAll(out, "//", "/")
	}
	if !strings.HasPrefix(out, "/") {
		out = "/" + out
	}
	return out
}

// urlKey folds the forms one URL takes on GitHub Pages: "/a/b", "/a/b.html",
// "/a/b/" and "/a/b/index.html" are one page, any case.
func urlKey(u string) string {
	u, _, _ = strings.Cut(u, "#")
	u, _, _ = strings.Cut(u, "?")
	if p, err := url.PathUnescape(u); err == nil {
		u = p
	}
	u = strings.TrimSuffix(u, "index.html")
	u = strings.TrimSuffix(u, ".html")
	return strings.ToLower(strings.Trim(u, "/"))
}

// target is what a link of a page leads to.
type target struct {
	doc    *doc
	static string // the source file of a static file
	frag   string
	orig   string // the absolute URL it had on the old site, when known
}

// resolve finds what a link written on page d leads to, as a browser on the
// old site would: relative to the page's URL, the path matched against the
// site whose base URL it starts with (the longest), so "/assets/x.png" on a
// Spanish page under /es finds the root site's asset. A path that only
// makes sense inside the page's own site (the base URL forgotten) is tried
// there last. ok is false for links that leave the site.
func (r *run) resolve(d *doc, raw string) (t target, ok bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.HasPrefix(raw, "#") {
		return target{frag: strings.TrimPrefix(raw, "#")}, false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, false
	}
	if u.Scheme != "" || u.Host != "" {
		s := r.siteWithHost(u)
		if s == nil {
			return target{}, false
		}
		u = &url.URL{Path: u.Path, RawQuery: u.RawQuery, Fragment: u.Fragment}
	}
	page := &url.URL{Path: d.site.cfg.BaseURL + d.url}
	abs := page.ResolveReference(u)
	t.frag = abs.Fragment
	sites := append([]*site(nil), r.sites...)
	sort.SliceStable(sites, func(i, j int) bool { return len(sites[i].cfg.BaseURL) > len(sites[j].cfg.BaseURL) })
	for _, s := range sites {
		rest, in := strings.CutPrefix(abs.Path, s.cfg.BaseURL)
		if !in || (rest != "" && rest[0] != '/') {
			continue
		}
		if t.orig == "" && s.cfg.URL != "" {
			t.orig = s.cfg.URL + abs.EscapedPath()
		}
		if s.lookup(rest, &t) {
			return t, true
		}
	}
	d.site.lookup(abs.Path, &t)
	return t, true
}

func (r *run) siteWithHost(u *url.URL) *site {
	for _, s := range r.sites {
		if su, err := url.Parse(s.cfg.URL); err == nil && su.Host != "" && strings.EqualFold(su.Host, u.Host) {
			return s
		}
	}
	return nil
}

// lookup finds a page or static file of the site by its path (without the
// base URL).
func (s *site) lookup(p string, t *target) bool {
	if d := s.byURL[urlKey(p)]; d != nil {
		t.doc = d
		return true
	}
	rel := strings.TrimPrefix(p, "/")
	if strings.HasSuffix(rel, "/") || rel == "" {
		rel += "index.html"
	}
	if f, ok := s.statics[rel]; ok {
		t.static = f
		return true
	}
	if f, ok := s.folded[strings.ToLower(rel)]; ok {
		t.static = f
		return true
	}
	return false
}

// repairURL fixes a link the source broke in an obvious way: an absolute
// URL with a stray "(" before it ("(http://..."), as Markdown written into
// HTML by hand sometimes has.
func repairURL(raw string) (string, bool) {
	r := strings.TrimSpace(raw)
	for _, p := range []string{"(", "<", "\""} {
		if rest, ok := strings.CutPrefix(r, p); ok && importer.IsExternal(rest) {
			return strings.TrimRight(rest, ")>\""), true
		}
	}
	return raw, false
}

// copyStatic copies a static file into the wiki once, at its place in the
// site's folder, and returns its file.
func (r *run) copyStatic(s *site, src string) (string, bool) {
	if f, ok := r.copied[src]; ok {
		return f, f != ""
	}
	data, err := r.src.ReadFile(src)
	if err != nil {
		r.rep.Problemf(src, "not imported: %v", err)
		r.copied[src] = ""
		return "", false
	}
	owner := r.siteOf(src)
	rel := strings.TrimPrefix(src, owner.dir+"/")
	if owner.dir == "" {
		rel = src
	}
	if _, err := wikipath.CleanFile(rel); err != nil {
		segs := strings.Split(rel, "/")
		for i := range segs {
			segs[i] = importer.SafeFileName(segs[i])
		}
		rel = strings.Join(segs, "/")
	}
	f := r.names.Claim(path.Join(owner.out, rel))
	r.copied[src] = f
	r.files = append(r.files, importer.File{Path: f, Data: data})
	return f, true
}
