package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"

	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// models keeps the presentation models of the few commits being read, so
// the sidebar of a commit is rendered once, not on every request.
type models struct {
	mu   sync.Mutex
	list []*present.Model // most recent first
	// prov is the model of the newest provisional read model, kept apart
	// so no full model is derived from it and none is pushed out by it.
	prov *present.Model
}

// keepModels is how many: the head's, and one more for a reader of the
// previous head or a past revision. Each holds its sidebar trees.
const keepModels = 2

// model is the presentation model of st, built once per commit.
func (s *Server) model(st *site.Site) *present.Model {
	s.models.mu.Lock()
	defer s.models.mu.Unlock()
	if st.Provisional() {
		if m := s.models.prov; m != nil && m.Site == st {
			return m
		}
		m := present.NewFrom(s.models.prov, st, s.theme)
		if !s.Ready() {
			// Once ready, a view that began before is the last: keeping its
			// model would keep a whole provisional model alive for nothing.
			s.models.prov = m
		}
		return m
	}
	for _, m := range s.models.list {
		if m.Site == st {
			return m
		}
	}
	var prev *present.Model
	if len(s.models.list) > 0 {
		prev = s.models.list[0]
	}
	m := present.NewFrom(prev, st, s.theme)
	s.models.list = append([]*present.Model{m}, s.models.list...)
	if len(s.models.list) > keepModels {
		s.models.list = s.models.list[:keepModels]
	}
	return m
}

// dropProvisional lets the provisional model go once the full one is read.
func (ms *models) dropProvisional() {
	ms.mu.Lock()
	ms.prov = nil
	ms.mu.Unlock()
}

// output is the server's link scheme for st, with the sidebar and footer
// pages rendered with it.
func (s *Server) output(r *http.Request, st *site.Site) present.Output {
	o := present.Output{Links: links{s: s, policy: st.Settings.EditPolicy}, Key: "server:" + st.Settings.EditPolicy,
		Choice: readerChoice(r), Accept: r.Header.Get("Accept-Language")}
	if doc, ok := st.RenderSpecial(r.Context(), site.SidebarPage, s.contentURLs, urlsKey); ok {
		o.Sidebar = doc.HTML
	}
	if doc, ok := st.RenderSpecial(r.Context(), site.FooterPage, s.contentURLs, urlsKey); ok {
		o.Footer = doc.HTML
	}
	return o
}

// base fills what every view shows, and who is reading. current is the page
// being shown, if any.
func (s *Server) base(r *http.Request, st *site.Site, title string, current wikipath.Page) theme.Base {
	b := s.model(st).Base(s.output(r, st), title, current)
	s.withReader(r, &b)
	return b
}

// baseT is base with a title from the catalog: key, with its arguments.
func (s *Server) baseT(r *http.Request, st *site.Site, current wikipath.Page, key string, args ...any) theme.Base {
	b := s.model(st).BaseT(s.output(r, st), current, key, args...)
	s.withReader(r, &b)
	return b
}

// langCookie holds the interface language a reader picked, for the views
// that have no language of their own. It is not a session: it names a
// language and nothing else.
const langCookie = "gitwiki_lang"

// readerChoice is the language the reader picked, "" for none (or for a
// cookie that names no language).
func readerChoice(r *http.Request) string {
	c, err := r.Cookie(langCookie)
	if err != nil {
		return ""
	}
	tag, ok := i18n.NormalizeLang(c.Value)
	if !ok {
		return ""
	}
	return tag
}

// render executes a view into a buffer, so a template error sends a clean
// 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, view string, data any) {
	var buf bytes.Buffer
	if err := s.theme.Execute(&buf, view, data); err != nil {
		s.log.Error("template", "view", view, "err", err)
		http.Error(w, serverFault, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The interface of a view without a language of its own follows the
	// reader's picker and browser; the account menu follows the session.
	w.Header().Add("Vary", "Accept-Language, Cookie")
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
	// The interface language may follow these; a validator must change
	// with them, or a cache would hand one reader another's language.
	h.Write([]byte("\x00lang " + readerChoice(r) + "\x00" + r.Header.Get("Accept-Language")))
	if u := s.user(r); u != nil {
		h.Write([]byte{0})
		h.Write([]byte("user " + u.Name))
		if u.Maintainer {
			h.Write([]byte(" maintainer" + s.bannerTag()))
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
	if ifNoneMatch(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// ifNoneMatch reports whether the request's If-None-Match names etag.
func ifNoneMatch(r *http.Request, etag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// siteAt loads the read model the request asks for: ?rev= or the head.
func (s *Server) siteAt(r *http.Request) (*site.Site, string, error) {
	rev := r.URL.Query().Get("rev")
	if rev == "" {
		st, err := s.head(r.Context())
		return st, "", err
	}
	h, err := s.loader.Resolve(r.Context(), rev)
	if err != nil {
		return nil, "", err
	}
	st, err := s.loader.At(r.Context(), h)
	return st, h.String(), err
}

// page reads the {page} route variable as a page name.
func page(r *http.Request) (wikipath.Page, error) {
	return wikipath.Parse(routeVar(r, "page"))
}

// withReader adds who is reading to a view's base.
func (s *Server) withReader(r *http.Request, b *theme.Base) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		// The picker comes back here; a login form's own next= is left
		// out, so no address from a link is carried into another form.
		u := *r.URL
		q := u.Query()
		if q.Has("next") {
			q.Del("next")
			u.RawQuery = q.Encode()
		}
		b.Here = u.RequestURI()
		b.Address = strings.TrimRight(s.baseURL, "/") + b.Here
	}
	if u := s.user(r); u != nil {
		b.User, b.Maintainer = u.Name, u.Maintainer
		if u.Maintainer && s.review != nil {
			// A count the header can do without: a failure shows none.
			b.Waiting, _ = s.review.Waiting(r.Context())
		}
	}
	s.upstreamBanner(b)
}

// openProposals are the open proposals changing the page, as the page and
// its editor list them; none when they cannot be read, since the page
// must show without them.
func (s *Server) openProposals(r *http.Request, m *present.Model, l *i18n.Lang, page wikipath.Page) []theme.ProposalItem {
	if s.review == nil {
		return nil
	}
	list, err := s.review.ForPage(r.Context(), page)
	if err != nil {
		s.log.Warn("listing the open proposals of a page", "err", err)
		return nil
	}
	out := make([]theme.ProposalItem, 0, len(list))
	for _, p := range list {
		out = append(out, m.ProposalItem(l, p))
	}
	return out
}
