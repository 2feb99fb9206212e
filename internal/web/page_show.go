package web

import (
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// pageShow serves GET /{page}: a page, an attachment, a folder listing, a
// redirect from an old name, or a helpful 404.
func (s *Server) pageShow(w http.ResponseWriter, r *http.Request) error {
	clean, err := wikipath.CleanFile(routeVar(r, "page"))
	if err != nil {
		return err
	}
	st, rev, err := s.pageSite(r, wikipath.Page(clean))
	if err != nil {
		return err
	}
	if name, ok := wikipath.FromFile(clean); ok && strings.HasSuffix(clean, ".md") && st.Exists(name) {
		return s.redirect(w, r, name)
	}
	if e, ok := st.File(clean); ok && !strings.HasSuffix(clean, ".md") {
		return s.attachment(w, r, st, clean, e)
	}
	name := wikipath.Page(clean)
	p, ok := st.Page(name)
	switch {
	case ok:
		return s.pageView(w, r, st, p, rev)
	case st.IsFolder(name):
		return s.folderView(w, r, st, name, rev)
	}
	if target, ok := st.Alias(name); ok {
		return s.redirect(w, r, target)
	}
	if target, ok := confluencePageID(st, name, r); ok {
		http.Redirect(w, r, s.urlFor("page", "page", string(target)), http.StatusMovedPermanently)
		return nil
	}
	return s.pageMissing(w, r, st, name)
}

// pageView shows one page: the head's, or a past revision's with ?rev=.
// An anonymous reader's plain view comes from the view cache.
func (s *Server) pageView(w http.ResponseWriter, r *http.Request, st *site.Site, p *site.Page, rev string) error {
	if st.Provisional() {
		return s.provisionalPage(w, r, st, p)
	}
	if rev == "" {
		if k, ok := s.viewKey(r, st, kindPage, p.Name); ok {
			return s.serveView(w, r, k, func(r *http.Request) (string, any, string, error) {
				v, err := s.pageModel(r, st, p, "", false)
				if err != nil {
					return "", nil, "", err
				}
				return "page", v, v.I18n.Tag(), nil
			})
		}
	}
	ctx := r.Context()
	saved := r.URL.Query().Get("saved") == "1"
	// The head is part of it too: a past revision's notice depends on it.
	head := st.Commit
	if rev != "" {
		head, _ = s.loader.HeadCommit(ctx)
	}
	props, err := s.proposalsVersion(ctx)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-cache")
	if notModified(w, r, s.etag(r, "page", st.Commit.String(), head.String(), p.File, rev, strconv.FormatBool(saved), props.String())) {
		return nil
	}
	v, err := s.pageModel(r, st, p, rev, saved)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Language", v.I18n.Tag())
	s.render(w, r, http.StatusOK, "page", v)
	return nil
}

// pageModel builds the view of a page.
func (s *Server) pageModel(r *http.Request, st *site.Site, p *site.Page, rev string, saved bool) (*theme.PageView, error) {
	ctx := r.Context()
	doc, err := st.Render(ctx, p, s.contentURLs, urlsKey)
	if err != nil {
		return nil, err
	}
	last, err := s.lastChange(ctx, st, p)
	if err != nil {
		return nil, err
	}
	o := s.output(r, st)
	v := s.model(st).Page(o, p, doc, last)
	s.withReader(r, &v.Base)
	if rev == "" {
		state, err := s.translationStatus(ctx, st, p)
		if err != nil {
			return nil, err
		}
		s.model(st).PageTranslation(o, v, state)
		v.Proposals = s.openProposals(r, s.model(st), v.I18n, p.Name)
	}
	v.Rev = rev
	v.NoIndex = rev != "" || doc.FrontMatter.Draft || saved
	if saved {
		v.Notice = v.I18n.T("notice.published")
	}
	// ?rev= can name any commit, an unreviewed proposal's included: say so,
	// or a link to one would pass for the wiki's own page.
	if rev != "" {
		if in, err := s.loader.Published(ctx, st.Commit); err == nil && !in {
			v.Notice = v.I18n.T("notice.unpublished")
		}
	}
	return v, nil
}

// redirect sends an old name or a file path to the page, keeping the query.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to wikipath.Page) error {
	u := s.urlFor("page", "page", string(to))
	if q := r.URL.RawQuery; q != "" {
		u += "?" + q
	}
	http.Redirect(w, r, u, http.StatusMovedPermanently)
	return nil
}

// confluencePageID follows Confluence's page-id address,
// /pages/viewpage.action?pageId=N, which an imported page keeps as the
// alias pages/N (an alias is a path: the export never sees a query).
func confluencePageID(st *site.Site, name wikipath.Page, r *http.Request) (wikipath.Page, bool) {
	if name.Base() != "viewpage.action" {
		return "", false
	}
	id := r.URL.Query().Get("pageId")
	if id == "" || strings.Trim(id, "0123456789") != "" {
		return "", false
	}
	return st.Alias(wikipath.Page(path.Join(string(name.Dir()), id)))
}
