// Command gencorpus writes a generated wiki of N pages twice, with the same
// markdown: DIR/wiki for gitwiki (commit it to a repository) and DIR/hugo, a
// minimal Hugo site, so the benchmarks compare builds and servers on the
// same content. Pages live in folders up to three deep and have front
// matter, headings, lists, a table, a code block, markdown links and
// wikilinks to other pages. The output depends only on the flags.
//
// With -history H it also writes DIR/history.fi, a git fast-import stream
// of H commits whose last tree is DIR/wiki: the first commit holds most of
// the pages, and each later one adds a page or edits one or two (a few
// "hot" pages take a fifth of the edits, so they have long histories):
//
//	go run ./bench/gencorpus -n 10000 -history 5000 DIR
//	git init -q --bare WIKI.git && git -C WIKI.git fast-import --quiet < DIR/history.fi
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

var words = strings.Fields(`access account activist archive backup browser channel checklist
cloud community computer contact data device document encryption facilitator file
group incident information journalist laptop meeting message network organisation
password people phone plan policy practice privacy protest recovery report risk
router safety secure server session share software staff storage support team
threat timeline training trust update usb vpn website workshop café résumé naïve
información contraseña política seguridad`)

const (
	sectionsPerWiki = 20
	topicsPerSec    = 4 // section-NN/topic-a … topic-d
	partsPerTopic   = 3 // section-NN/topic-x/part-1 … part-3
	// HotPages take a fifth of all edits in the history.
	HotPages = 5
	// startTime is the first commit's time; commits are ten minutes apart.
	startTime = 1700000000
)

func main() {
	n := flag.Int("n", 10000, "number of pages")
	seed := flag.Uint64("seed", 1, "random seed")
	history := flag.Int("history", 0, "also write DIR/history.fi, a git fast-import stream of this many commits")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gencorpus [-n 10000] [-seed 1] [-history 5000] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *n < 1 {
		flag.Usage()
		os.Exit(2)
	}
	c := newCorpus(*n, *seed)
	if err := c.write(flag.Arg(0), *history); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

type page struct {
	folder, slug, title string
}

func (p page) file() string { return path.Join(p.folder, p.slug+".md") }
func (p page) name() string { return path.Join(p.folder, p.slug) }

type corpus struct {
	seed     uint64
	pages    []page
	folders  []string // every folder holding a page, sorted
	sections int
	// versions[i] is page i's final version (0: as first written).
	versions []int
	commits  []commit
}

// commit is one step of the history: pages added or edited (their new
// version), in order.
type commit struct {
	add  []int
	edit []int
}

func newCorpus(n int, seed uint64) *corpus {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := &corpus{seed: seed, sections: min(sectionsPerWiki, max(1, n/20)), versions: make([]int, n)}
	seen := map[string]bool{}
	for i := range n {
		folder := fmt.Sprintf("section-%02d", i%c.sections)
		// Half the pages sit in a section, a third one folder down, the
		// rest two folders down: folders up to three deep.
		switch d := r.IntN(6); {
		case d >= 5:
			folder = path.Join(folder, fmt.Sprintf("topic-%c", 'a'+r.IntN(topicsPerSec)), fmt.Sprintf("part-%d", 1+r.IntN(partsPerTopic)))
		case d >= 3:
			folder = path.Join(folder, fmt.Sprintf("topic-%c", 'a'+r.IntN(topicsPerSec)))
		}
		for f := folder; f != "."; f = path.Dir(f) {
			if !seen[f] {
				seen[f] = true
				c.folders = append(c.folders, f)
			}
		}
		c.pages = append(c.pages, page{folder: folder, slug: fmt.Sprintf("page-%04d", i), title: sentence(r, 2+r.IntN(4), true)})
	}
	sort.Strings(c.folders)
	return c
}

// plan lays out h commits: the first holds every page but those added
// later, one per commit, spread evenly; the others edit.
func (c *corpus) plan(h int) {
	n := len(c.pages)
	added := min(n/10, (h-1)/4)
	first := n - added
	r := rand.New(rand.NewPCG(c.seed^0xabcdef, uint64(h)))
	c.commits = []commit{{add: seq(0, first)}}
	next := first
	for k := 1; k < h; k++ {
		// Commit k adds page `next` when its turn comes, else edits.
		if added > 0 && next < n && (k-1)%((h-1)/added) == 0 {
			c.commits = append(c.commits, commit{add: []int{next}})
			next++
			continue
		}
		var cm commit
		for range 1 + r.IntN(2) {
			i := r.IntN(next)
			if r.IntN(5) == 0 {
				i = r.IntN(min(HotPages, next))
			}
			if !contains(cm.edit, i) {
				c.versions[i]++
				cm.edit = append(cm.edit, i)
			}
		}
		c.commits = append(c.commits, cm)
	}
	for ; next < n; next++ { // rounding: the rest go into the last commit
		last := &c.commits[len(c.commits)-1]
		last.add = append(last.add, next)
	}
}

func seq(a, b int) []int {
	out := make([]int, 0, b-a)
	for i := a; i < b; i++ {
		out = append(out, i)
	}
	return out
}

func contains(list []int, x int) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

func (c *corpus) write(dir string, history int) error {
	if history > 0 {
		c.plan(history)
	}
	wiki := filepath.Join(dir, "wiki")
	hugo := filepath.Join(dir, "hugo")
	files := map[string]string{filepath.Join(hugo, "hugo.toml"): hugoConfig}
	for name, body := range hugoLayouts {
		files[filepath.Join(hugo, "layouts", "_default", name)] = body
	}
	for f, body := range c.fixed() {
		files[filepath.Join(wiki, filepath.FromSlash(f))] = body
		hf := strings.TrimSuffix(f, "index.md") + "_index.md"
		if f == "wiki.yaml" {
			continue
		}
		files[filepath.Join(hugo, "content", filepath.FromSlash(hf))] = body
	}
	for i, p := range c.pages {
		body := c.body(i, c.versions[i])
		files[filepath.Join(wiki, filepath.FromSlash(p.file()))] = body
		files[filepath.Join(hugo, "content", filepath.FromSlash(p.file()))] = body
	}
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			return err
		}
	}
	if history > 0 {
		return c.writeHistory(filepath.Join(dir, "history.fi"))
	}
	return nil
}

// fixed are the files besides pages: settings, the home page and a page
// for every folder.
func (c *corpus) fixed() map[string]string {
	r := rand.New(rand.NewPCG(c.seed, 7))
	out := map[string]string{
		"wiki.yaml": "title: Generated wiki\nlanguage: en\n",
		"index.md":  "---\ntitle: Generated wiki\n---\nA generated wiki for benchmarks.\n",
	}
	for k, f := range c.folders {
		title := strings.ReplaceAll(path.Base(f), "-", " ")
		out[f+"/index.md"] = fmt.Sprintf("---\ntitle: %s\nweight: %d\n---\n%s\n", strings.ToUpper(title[:1])+title[1:], k+1, paragraph(r))
	}
	return out
}

// body is page i's markdown at version v. A later version rewrites one
// paragraph, as an edit would, so consecutive versions differ a little.
func (c *corpus) body(i, v int) string {
	p := c.pages[i]
	r := rand.New(rand.NewPCG(c.seed^uint64(i), 0x5eed))
	edit := rand.New(rand.NewPCG(c.seed^uint64(i), uint64(v)))
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndate: 2024-01-%02d\nweight: %d\ntags: [%s, %s]\n---\n", p.title, 1+i%28, 1+r.IntN(50), word(r), word(r))
	sections := 3 + r.IntN(3)
	changed := -1
	if v > 0 {
		changed = v % (sections + 1)
	}
	para := func(k int) string {
		s := paragraph(r)
		if k == changed {
			s = paragraph(edit)
		}
		return s
	}
	b.WriteString(para(sections) + "\n\n")
	for h := range sections {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", sentence(r, 3, true), para(h))
		switch h % 4 {
		case 0:
			for range 3 + r.IntN(4) {
				fmt.Fprintf(&b, "- %s %s\n", sentence(r, 4+r.IntN(6), false), c.link(r, p))
			}
		case 1:
			for k := range 3 + r.IntN(3) {
				fmt.Fprintf(&b, "%d. %s\n", k+1, sentence(r, 6+r.IntN(8), false))
			}
		case 2:
			b.WriteString("| Step | Who | Notes |\n|------|-----|-------|\n")
			for k := range 5 {
				fmt.Fprintf(&b, "| %d | %s | %s |\n", k+1, word(r), sentence(r, 5, false))
			}
		case 3:
			b.WriteString("```go\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tfmt.Println(\"" + word(r) + "\", i)\n\t}\n}\n```\n")
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "See also %s and %s.\n\n", c.link(r, p), c.wikilink(r))
	}
	return b.String()
}

// link is a relative markdown link to another page: gitwiki resolves it,
// Hugo writes it as it is, so both do the same parsing work.
func (c *corpus) link(r *rand.Rand, from page) string {
	to := c.pages[r.IntN(len(c.pages))]
	rel, err := filepath.Rel(from.folder, to.file())
	if err != nil {
		rel = "/" + to.file()
	}
	return fmt.Sprintf("[%s](%s)", to.title, filepath.ToSlash(rel))
}

// wikilink names another page by its path from the root, or by its title
// as people write them; Hugo shows it as text.
func (c *corpus) wikilink(r *rand.Rand) string {
	to := c.pages[r.IntN(len(c.pages))]
	if r.IntN(2) == 0 {
		return "[[" + to.name() + "]]"
	}
	return "[[" + to.title + "]]"
}

// writeHistory writes the fast-import stream of the planned commits.
func (c *corpus) writeHistory(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	version := make([]int, len(c.pages))
	data := func(s string) { fmt.Fprintf(w, "data %d\n%s\n", len(s), s) }
	put := func(p, body string) {
		fmt.Fprintf(w, "M 100644 inline %s\n", p)
		data(body)
	}
	for k, cm := range c.commits {
		when := startTime + 600*k
		var msg string
		switch {
		case k == 0:
			msg = "Generated wiki"
		case len(cm.add) > 0:
			msg = "Create " + c.pages[cm.add[0]].title
		default:
			msg = "Edit " + c.pages[cm.edit[0]].title
		}
		fmt.Fprintf(w, "commit refs/heads/main\nauthor Bench %d <bench%d@gitwiki.invalid> %d +0000\ncommitter gitwiki <wiki@gitwiki.invalid> %d +0000\n", k%17, k%17, when, when)
		data(msg)
		if k == 0 {
			fixed := c.fixed()
			names := make([]string, 0, len(fixed))
			for f := range fixed {
				names = append(names, f)
			}
			sort.Strings(names)
			for _, f := range names {
				put(f, fixed[f])
			}
		}
		for _, i := range cm.add {
			put(c.pages[i].file(), c.body(i, 0))
		}
		for _, i := range cm.edit {
			version[i]++
			put(c.pages[i].file(), c.body(i, version[i]))
		}
		w.WriteString("\n")
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func word(r *rand.Rand) string { return words[r.IntN(len(words))] }

func sentence(r *rand.Rand, n int, title bool) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = word(r)
	}
	s := strings.Join(ws, " ")
	if title {
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

func paragraph(r *rand.Rand) string {
	var ss []string
	for range 3 + r.IntN(4) {
		s := sentence(r, 8+r.IntN(10), true)
		if r.IntN(4) == 0 {
			s += " **" + word(r) + "** and `" + word(r) + "`"
		}
		ss = append(ss, s+".")
	}
	return strings.Join(ss, " ")
}

const hugoConfig = `baseURL = "/"
title = "Generated wiki"
languageCode = "en"
relativeURLs = true
[markup.goldmark.renderer]
unsafe = true
`

// hugoLayouts is the smallest Hugo theme that shows each page's content
// with a navigation of the sections, like a wiki page without its chrome.
var hugoLayouts = map[string]string{
	"baseof.html": `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body>
<nav><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
`,
	"single.html": `{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ .TableOfContents }}
{{ .Content }}
</article>{{ end }}
`,
	"list.html": `{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
`,
}
