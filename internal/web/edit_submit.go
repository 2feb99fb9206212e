package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// maxEditBody bounds an editor submission: a page, one new attachment and
// the attachments already carried in the form.
const maxEditBody = 3*pages.MaxAttachment + 2*pages.MaxPageBytes

// maxUploads is how many files one edit may carry.
const maxUploads = 3

// Refusals of the editor form itself.
var (
	errNoPageName    = errors.New("give the new page a name, such as Guides/My-new-page")
	errTooManyFiles  = errors.New("at most three files can be attached to one edit")
	errDamagedUpload = errors.New("an attached file was damaged in the form; please attach it again")
)

// editSubmit takes POST /-/edit/{page} and POST /-/new: preview, or save as
// a commit or a proposal, as pages.Save decides. Every refusal shows the
// editor again with the person's text and the reason.
func (s *Server) editSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxEditBody)
	if err := parseForm(r); err != nil {
		return err
	}
	st, err := s.pages.Editable(r.Context())
	if err != nil {
		return err
	}
	askPath := routeName(r) == "new-submit"
	raw := routeVar(r, "page")
	if askPath {
		raw = r.FormValue("path")
	}
	name, perr := wikipath.Parse(strings.TrimSuffix(strings.TrimSpace(raw), ".md"))
	v := s.editView(r, st, name)
	fillEditForm(v, r, askPath)
	_, exists := st.Page(name)
	v.New = !exists
	s.sectionTitle(r.Context(), v, name)
	switch {
	case perr != nil:
		return editForm(v, perr)
	case askPath && name == wikipath.Root:
		return editForm(v, errNoPageName)
	}
	if err := s.checkWrite(r); err != nil {
		return editForm(v, err)
	}
	uploads, err := collectUploads(r, v)
	if err != nil {
		return editForm(v, err)
	}
	s.pendingFileURLs(st, name, v)
	sub := editSubmission(v, r, name, uploads)
	if r.FormValue("action") == "preview" {
		return s.editPreview(w, r, st, v, sub)
	}
	out, err := s.pages.Save(r.Context(), sub, s.who(r))
	if err != nil {
		return editRefused(v, err)
	}
	s.wrote()
	s.seeOther(w, r, s.saved(out))
	return nil
}

// editPreview shows the editor again with the preview of what the person
// wrote (the Preview button, without JavaScript).
func (s *Server) editPreview(w http.ResponseWriter, r *http.Request, st *site.Site, v *theme.EditView, sub pages.Submission) error {
	if err := s.checkPreview(r); err != nil {
		return editForm(v, err)
	}
	text, err := s.previewText(r.Context(), sub)
	if err != nil {
		return editForm(v, err)
	}
	doc, notes, err := s.pages.Preview(r.Context(), st, sub.Page, text, s.contentURLs)
	if err != nil {
		return editForm(v, err)
	}
	v.Preview, v.Previewed, v.Notes = s.inlinePending(doc.HTML, st, sub.Page, sub.Uploads), true, notes
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "edit", v)
	return nil
}

// fillEditForm carries everything the person sent into the editor view.
func fillEditForm(v *theme.EditView, r *http.Request, askPath bool) {
	v.AskPath, v.Path = askPath, r.FormValue("path")
	v.PageTitle, v.Content, v.Summary = r.FormValue("title"), r.FormValue("content"), r.FormValue("summary")
	v.BaseRev, v.Name, v.Email = r.FormValue("base"), r.FormValue("name"), r.FormValue("email")
	v.Token, v.Propose = r.FormValue("token"), r.FormValue("propose") != ""
	v.Proposal, _ = strconv.Atoi(r.FormValue("proposal"))
	fillEditMode(v, r)
}

// saved is where a saved edit leads: the published page, or the proposal
// with the contributor's private link.
func (s *Server) saved(out *pages.Outcome) string {
	switch out.Dest {
	case pages.Proposed:
		return s.proposalURL(out.Proposal, out.Token, true)
	case pages.Revised:
		return s.proposalURL(out.Proposal, "", false)
	}
	return s.urlFor("page", "page", string(out.Page)) + "?saved=1"
}

// who is the person behind a request, as pages.Save needs to know.
func (s *Server) who(r *http.Request) pages.Who {
	if u := s.user(r); u != nil {
		return pages.Who{Account: u.Name, Maintainer: u.Maintainer}
	}
	return pages.Who{}
}
