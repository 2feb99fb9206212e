// Command gencorpus writes a generated wiki of N pages twice, with the same
// markdown: DIR/wiki for gitwiki (commit it to a repository) and DIR/hugo, a
// minimal Hugo site, so bench/export-vs-hugo.sh compares the two builds on
// the same content. Pages have front matter, headings, lists, a table, a
// code block and links to other pages; the output depends only on -n and
// -seed.
//
//	go run ./bench/gencorpus -n 2000 DIR
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

var words = strings.Fields(`access account activist archive backup browser channel checklist
cloud community computer contact data device document encryption facilitator file
group incident information journalist laptop meeting message network organisation
password people phone plan policy practice privacy protest recovery report risk
router safety secure server session share software staff storage support team
threat timeline training trust update usb vpn website workshop café résumé naïve
información contraseña política seguridad`)

const sectionsPerWiki = 20

func main() {
	n := flag.Int("n", 2000, "number of pages")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gencorpus [-n 2000] [-seed 1] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := generate(flag.Arg(0), *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

type page struct {
	section, slug, title string
}

func generate(dir string, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sections := min(sectionsPerWiki, max(1, n/20))
	var pages []page
	for i := range n {
		s := i % sections
		title := sentence(r, 2+r.IntN(4), true)
		pages = append(pages, page{
			section: fmt.Sprintf("section-%02d", s),
			slug:    fmt.Sprintf("page-%04d", i),
			title:   title,
		})
	}
	wiki := filepath.Join(dir, "wiki")
	hugo := filepath.Join(dir, "hugo")
	files := map[string]string{
		filepath.Join(wiki, "wiki.yaml"):            "title: Generated wiki\nlanguage: en\n",
		filepath.Join(wiki, "index.md"):             "---\ntitle: Generated wiki\n---\nA generated wiki for benchmarks.\n",
		filepath.Join(hugo, "hugo.toml"):            hugoConfig,
		filepath.Join(hugo, "content", "_index.md"): "---\ntitle: Generated wiki\n---\nA generated wiki for benchmarks.\n",
	}
	for name, body := range hugoLayouts {
		files[filepath.Join(hugo, "layouts", "_default", name)] = body
	}
	for s := range sections {
		sec := fmt.Sprintf("section-%02d", s)
		idx := fmt.Sprintf("---\ntitle: Section %d\nweight: %d\n---\n%s\n", s, s+1, paragraph(r))
		files[filepath.Join(wiki, sec, "index.md")] = idx
		files[filepath.Join(hugo, "content", sec, "_index.md")] = idx
	}
	for i, p := range pages {
		body := pageBody(r, pages, i)
		files[filepath.Join(wiki, p.section, p.slug+".md")] = body
		files[filepath.Join(hugo, "content", p.section, p.slug+".md")] = body
	}
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func pageBody(r *rand.Rand, pages []page, i int) string {
	p := pages[i]
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndate: 2024-01-%02d\nweight: %d\ntags: [%s, %s]\n---\n", p.title, 1+i%28, 1+r.IntN(50), word(r), word(r))
	b.WriteString(paragraph(r) + "\n\n")
	for h := range 3 + r.IntN(3) {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", sentence(r, 3, true), paragraph(r))
		switch h % 4 {
		case 0:
			for range 3 + r.IntN(4) {
				fmt.Fprintf(&b, "- %s %s\n", sentence(r, 4+r.IntN(6), false), link(r, pages, p))
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
		fmt.Fprintf(&b, "See also %s and %s.\n\n", link(r, pages, p), link(r, pages, p))
	}
	return b.String()
}

// link is a relative markdown link to another page: gitwiki resolves it,
// Hugo writes it as it is, so both do the same parsing work.
func link(r *rand.Rand, pages []page, from page) string {
	to := pages[r.IntN(len(pages))]
	target := to.slug + ".md"
	if to.section != from.section {
		target = "../" + to.section + "/" + target
	}
	return fmt.Sprintf("[%s](%s)", to.title, target)
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
