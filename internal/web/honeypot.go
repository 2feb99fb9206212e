package web

import "net/http"

// honeypotField is a form field people never see and bots fill in. Templates
// render it with {{template "honeypot" .Honeypot}} (partials/forms.html): a
// text input with the label "Leave this empty", tabindex="-1" and
// autocomplete="off", inside a div that screen readers skip (aria-hidden)
// and whose class ("hp") moves it off screen in the stylesheet. Never hide it with a style attribute: the CSP forbids them.
const honeypotField = "website"

// honeypotTripped reports whether a posted form filled in the honeypot, so
// the handler can answer as if it worked and do nothing.
func (s *Server) honeypotTripped(r *http.Request) bool {
	return r.PostFormValue(honeypotField) != ""
}
