package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// fullNavLimit is the wiki size up to which the sidebar lists every page;
// past it, only the path to the current page is expanded, so a page of a
// large wiki stays small on a slow link.
const fullNavLimit = 300

// base fills what every view shows. current is the page being shown, if any.
func (s *Server) base(r *http.Request, st *site.Site, title string, current wikipath.Page) theme.Base {
	b := theme.Base{
		Site: theme.Site{
			Title:       st.Settings.Title,
			Description: st.Settings.Description,
			Language:    st.Settings.Language,
			License:     st.Settings.License,
			LicenseURL:  st.Settings.LicenseURL,
			Footer:      st.Settings.Footer,
			Revision:    st.Commit.Short(),
		},
		Links: links{s: s, policy: st.Settings.EditPolicy},
		Title: title,
		Nav:   navItems(st.Nav(), current, len(st.Pages()) <= fullNavLimit),
	}
	if u := s.user(r); u != nil {
		b.User, b.Maintainer = u.Name, u.Maintainer
	}
	if doc, ok := st.RenderSpecial(r.Context(), site.SidebarPage, contentURLs, urlsKey); ok {
		b.Sidebar = doc.HTML
	}
	if doc, ok := st.RenderSpecial(r.Context(), site.FooterPage, contentURLs, urlsKey); ok {
		b.Footer = doc.HTML
	}
	return b
}

func navItems(nodes []*site.Node, current wikipath.Page, full bool) []*theme.NavItem {
	var out []*theme.NavItem
	for _, n := range nodes {
		item := &theme.NavItem{Title: n.Title, Page: n.Name, Current: n.Name == current}
		inside := current != n.Name && strings.HasPrefix(string(current)+"/", string(n.Name)+"/")
		item.Open = inside
		if full || inside || item.Current {
			item.Children = navItems(n.Children, current, full)
		}
		out = append(out, item)
	}
	return out
}

// render executes a view into a buffer, so a template error sends a clean
// 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, view string, data any) {
	var buf bytes.Buffer
	if err := s.theme.Execute(&buf, view, data); err != nil {
		s.log.Error("template", "view", view, "err", err)
		http.Error(w, "Something went wrong on our side. The error has been logged; please try again later.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// etag derives a validator from everything a response depends on, so a
// conditional GET is answered before any rendering. That includes who is
// logged in: the page header shows the account.
func (s *Server) etag(r *http.Request, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(s.themeID))
	if u := s.user(r); u != nil {
		h.Write([]byte{0})
		h.Write([]byte("user " + u.Name))
		if u.Maintainer {
			h.Write([]byte(" maintainer"))
		}
	}
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return `"` + hex.EncodeToString(h.Sum(nil))[:20] + `"`
}

// notModified sets the ETag and answers 304 when the client has it already.
func notModified(w http.ResponseWriter, r *http.Request, etag string) bool {
	w.Header().Set("ETag", etag)
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

func change(c *store.Commit) *theme.Change {
	if c == nil {
		return nil
	}
	ch := &theme.Change{
		Hash:    c.Hash.String(),
		Short:   c.Hash.Short(),
		Author:  c.Author.Name,
		Date:    c.Author.When,
		Summary: c.Subject(),
	}
	if len(c.Parents) > 0 {
		ch.Parent = c.Parents[0].String()
	}
	return ch
}

func pageRefs(ps []*site.Page) []theme.PageRef {
	out := make([]theme.PageRef, 0, len(ps))
	for _, p := range ps {
		out = append(out, theme.PageRef{Title: p.Title, Page: p.Name})
	}
	return out
}

// siteAt loads the read model the request asks for: ?rev= or the head.
func (s *Server) siteAt(r *http.Request) (*site.Site, string, error) {
	rev := r.URL.Query().Get("rev")
	if rev == "" {
		st, err := s.loader.Head(r.Context())
		return st, "", err
	}
	h, err := s.repo.Resolve(r.Context(), rev)
	if err != nil {
		return nil, "", err
	}
	st, err := s.loader.At(r.Context(), h)
	return st, h.String(), err
}
