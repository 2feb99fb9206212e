// Package jekyll imports a Jekyll site, or several side by side (one per
// language, as the SDA manual keeps en/ and es/): pages and collections
// become markdown pages, _config.yml gives the base URL, collections and
// defaults, Liquid and kramdown are rewritten into plain CommonMark, every
// image and download the pages use is copied and relinked, permalinks
// become aliases, and pages of different languages are linked as
// translations.
package jekyll

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Options choose where the site goes.
type Options struct {
	// Into is the folder of the wiki the import is written into; "" is the
	// content root.
	Into string
}

// run is one import.
type run struct {
	src    *importer.Source
	rep    *importer.Report
	conv   *importer.Converter
	render *render.Renderer
	into   string
	sites  []*site
	names  *importer.Names
	copied map[string]string // source static file → file written ("" when it failed)
	files  []importer.File
}

// Import reads the site (or the sites) in src.
func Import(src *importer.Source, opts Options) (*importer.Result, error) {
	into := strings.Trim(opts.Into, "/")
	if into != "" {
		c, err := wikipath.CleanFile(into)
		if err != nil {
			return nil, fmt.Errorf("%w: --into %q: %v", importer.ErrSource, into, err)
		}
		into = c
	}
	r := &run{
		src: src, into: into, conv: importer.NewConverter(), render: render.New(render.Config{CacheEntries: 1}),
		rep:    &importer.Report{Kind: "jekyll", Source: src.Name},
		names:  importer.NewNames(),
		copied: map[string]string{},
	}
	for _, p := range src.Problems {
		r.rep.Problemf("", "%s", p)
	}
	if err := r.findSites(); err != nil {
		return nil, err
	}
	for _, s := range r.sites {
		if err := r.loadSite(s); err != nil {
			return nil, err
		}
	}
	if r.docCount() == 0 {
		return nil, fmt.Errorf("%w: %s has a _config.yml but no pages", importer.ErrSource, src.Name)
	}
	r.placeDocs()
	r.weigh()
	r.translations()
	res := &importer.Result{Report: r.rep, Settings: r.settings()}
	for _, s := range r.sites {
		for _, d := range s.docs {
			body, err := r.convert(d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", d.src, err)
			}
			res.Pages = append(res.Pages, &importer.Page{Path: d.file, Front: r.frontMatter(d), Body: body})
		}
	}
	res.Files = r.files
	if err := res.Finish(); err != nil {
		return nil, err
	}
	return res, nil
}

func (r *run) docCount() int {
	n := 0
	for _, s := range r.sites {
		n += len(s.docs)
	}
	return n
}

// findSites finds _config.yml at the top of the source, or in each folder
// at its top (one site per language).
func (r *run) findSites() error {
	if r.src.Has("_config.yml") {
		r.sites = []*site{{dir: ""}}
		return nil
	}
	for _, f := range r.src.Files() {
		if d, rest, ok := strings.Cut(f, "/"); ok && rest == "_config.yml" {
			r.sites = append(r.sites, &site{dir: d})
		}
	}
	if len(r.sites) == 0 {
		return fmt.Errorf("%w: %s is not a Jekyll site: no _config.yml at its top or in a folder at its top", importer.ErrSource, r.src.Name)
	}
	for _, f := range r.src.Files() {
		if r.siteOf(f) == nil {
			r.rep.Problemf(f, "skipped: not part of any of the sites")
		}
	}
	return nil
}

func (r *run) siteOf(f string) *site {
	for _, s := range r.sites {
		if s.dir == "" || strings.HasPrefix(f, s.dir+"/") {
			return s
		}
	}
	return nil
}

// placeDocs names every page's file: a site's folder (its language folder
// when there are several), then the page's path, a collection's folder
// without its leading "_", and names as Jekyll writes them in URLs.
func (r *run) placeDocs() {
	for _, s := range r.sites {
		s.out = r.into
		if len(r.sites) > 1 {
			s.out = path.Join(r.into, s.dir)
		}
		sort.Slice(s.docs, func(i, j int) bool { return s.docs[i].src < s.docs[j].src })
		for _, d := range s.docs {
			want := path.Join(s.out, d.rel)
			if got := r.names.Claim(want); got != want {
				r.rep.Renamed = append(r.rep.Renamed, importer.Rename{Title: d.title, Path: got})
				d.file = got
			} else {
				d.file = want
			}
		}
	}
}

// settings are the default site's title, description and language, for the
// wiki.yaml of a new repository.
func (r *run) settings() *importer.Settings {
	if r.into != "" {
		return nil
	}
	s := r.defaultSite()
	return &importer.Settings{Title: s.cfg.Title, Description: strings.TrimSpace(s.cfg.Description), Language: s.lang}
}

// defaultSite is the site at the root of the URL space (base URL ""), else
// the first.
func (r *run) defaultSite() *site {
	best := r.sites[0]
	for _, s := range r.sites {
		if len(s.cfg.BaseURL) < len(best.cfg.BaseURL) {
			best = s
		}
	}
	return best
}
