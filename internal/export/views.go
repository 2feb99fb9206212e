package export

import (
	"context"
	"html/template"
	"path"
	"sync"

	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// chrome is the rendered sidebar and footer for one URL prefix. Their links
// depend only on how deep the page is, so each is rendered once per depth
// rather than once per page.
type chrome struct {
	sidebar, footer template.HTML
}

type chromeCache struct {
	mu      sync.Mutex
	byPre   map[string]chrome
	checked bool
}

func (b *build) chrome(ctx context.Context, sc scheme) chrome {
	b.chromes.mu.Lock()
	defer b.chromes.mu.Unlock()
	if c, ok := b.chromes.byPre[sc.prefix]; ok {
		return c
	}
	var c chrome
	for _, name := range []wikipath.Page{site.SidebarPage, site.FooterPage} {
		p, ok := b.plan.st.Page(name)
		if !ok {
			continue
		}
		doc, missing, err := b.render(ctx, p, sc)
		if err != nil {
			continue
		}
		if !b.chromes.checked {
			b.linkProblems(p, missing)
		}
		if name == site.SidebarPage {
			c.sidebar = doc.HTML
		} else {
			c.footer = doc.HTML
		}
	}
	b.chromes.checked = true
	b.chromes.byPre[sc.prefix] = c
	return c
}

// render renders a page with URLs relative to the output file sc is for.
// Pages are rendered once per build, so the render cache is not used.
func (b *build) render(ctx context.Context, p *site.Page, sc scheme) (*render.Document, []string, error) {
	src, err := b.plan.st.Source(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	urls := &contentURLs{scheme: sc}
	raw := hasRawURL(src)
	if raw {
		urls.made = map[string]bool{}
	}
	doc := b.renderer.Render(src, render.Context{Page: p.Name, File: p.File, Resolver: b.res, URLs: urls})
	if raw {
		dir := path.Dir(p.File)
		if dir == "." {
			dir = ""
		}
		doc.HTML = fixRawURLs(doc.HTML, urls, urls.made, dir)
	}
	return doc, urls.missing, nil
}

// output is what the views of one output file share: links relative to it,
// and the sidebar and footer rendered with them.
func (b *build) output(ctx context.Context, sc scheme) present.Output {
	c := b.chrome(ctx, sc)
	return present.Output{Links: links{sc}, Key: sc.prefix, Sidebar: c.sidebar, Footer: c.footer, Static: true}
}

// base fills what every view shows, as the server's does.
func (b *build) base(ctx context.Context, sc scheme, title string) theme.Base {
	return b.model.Base(b.output(ctx, sc), title, "")
}
