package web

import (
	"net/http"
	"strconv"
)

// The private revise link (/-/edit/PAGE?proposal=N&token=T, and the
// proposal page with ?token=T) is a password in an address, and addresses
// are kept: in the address bar, the browser's history, its sync, whoever
// looks over a shoulder. A GET that carries a valid token therefore gets it
// back as a cookie of that proposal's own, and is sent at once to the same
// address without the token: the address bar and the history hold the
// token-free address. The cookie is HttpOnly, under /-/ only, and ends with
// the browser session; the link itself keeps working, and forms still post
// the token in their body, never in an address, so the cookie makes no
// request from another site able to change anything.
//
// It is SameSite=Lax, not Strict: a link followed from another site (a mail,
// a chat) reaches the token-free address through the redirect, and browsers
// withhold Strict cookies from a redirect that a cross-site navigation
// started, so the contributor would be refused (TestSmallThings clicks such
// a link in Chromium). Lax cookies go with top-level GETs only, which show
// the contributor their own proposal and change nothing.
const reviseCookiePrefix = "gitwiki_proposal_"

func reviseCookieName(id int) string { return reviseCookiePrefix + strconv.Itoa(id) }

// reviseToken is the token this request offers for revising proposal id:
// the one in the address, else the one kept in that proposal's cookie.
func reviseToken(r *http.Request, id int) string {
	if t := r.URL.Query().Get("token"); t != "" {
		return t
	}
	if c, err := r.Cookie(reviseCookieName(id)); err == nil {
		return c.Value
	}
	return ""
}

// tokenToCookie wraps the pages a revise link opens (the editor, the
// proposal): when the address holds a token that opens proposal N (the
// route's {id}, else ?proposal=N), the answer sets the cookie and sends the
// browser to the address without it. Any other request, an invalid token
// included, goes to h as it came, which refuses what it must.
func (s *Server) tokenToCookie(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		token := q.Get("token")
		if token == "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			return h(w, r)
		}
		id := proposalID(r)
		if id <= 0 {
			id, _ = strconv.Atoi(q.Get("proposal"))
		}
		if id <= 0 {
			return h(w, r)
		}
		p, err := s.review.Get(r.Context(), id)
		if err != nil || !p.CheckToken(token) {
			return h(w, r)
		}
		http.SetCookie(w, &http.Cookie{
			Name:     reviseCookieName(id),
			Value:    token,
			Path:     "/-/",
			HttpOnly: true,
			Secure:   s.secure(r),
			SameSite: http.SameSiteLaxMode,
		})
		q.Del("token")
		to := r.URL.EscapedPath()
		if enc := q.Encode(); enc != "" {
			to += "?" + enc
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
}
