package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// maxEditBody bounds an editor submission: a page, one new attachment and
// the attachments already carried in the form.
const maxEditBody = 3*pages.MaxAttachment + 2*pages.MaxPageBytes

// editSubmit takes POST /-/edit/{page} and POST /-/new: preview, or save as
// a commit or a proposal. Every refusal shows the editor again with the
// person's text and the reason; nothing they typed is dropped.
func (s *Server) editSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, maxEditBody)
	if err := parseForm(r); err != nil {
		s.serveError(w, r, err)
		return
	}
	st, err := s.editableHead(ctx)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	raw, askPath := mux.Vars(r)["page"], mux.CurrentRoute(r).GetName() == "new-submit"
	if askPath {
		raw = r.FormValue("path")
	}
	name, perr := wikipath.Parse(strings.TrimSuffix(strings.TrimSpace(raw), ".md"))
	v := s.editView(r, st, name)
	v.AskPath = askPath
	v.Path = r.FormValue("path")
	v.PageTitle, v.Content, v.Summary = r.FormValue("title"), r.FormValue("content"), r.FormValue("summary")
	v.BaseRev, v.Name, v.Email = r.FormValue("base"), r.FormValue("name"), r.FormValue("email")
	v.Token, v.Propose = r.FormValue("token"), r.FormValue("propose") != ""
	v.Proposal, _ = strconv.Atoi(r.FormValue("proposal"))
	_, exists := st.Page(name)
	v.New = !exists

	refuse := func(status int, field, msg string) {
		v.Problem, v.ProblemField = msg, field
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, status, "edit", v)
	}
	if perr != nil {
		var pe *wikipath.Error
		errors.As(perr, &pe)
		refuse(http.StatusBadRequest, "path", "This page name cannot be used: "+pe.Reason+".")
		return
	}
	if askPath && name == wikipath.Root {
		refuse(http.StatusBadRequest, "path", "Give the new page a name, such as Guides/My-new-page.")
		return
	}
	if s.honeypotTripped(r) {
		refuse(http.StatusBadRequest, "", "The form was filled in by software, so it was not saved. If you are a person, clear the field labelled “Leave this empty” and try again.")
		return
	}
	maintainer := s.isMaintainer(r)
	if !maintainer && !s.allowWrite(r) {
		refuse(http.StatusTooManyRequests, "", "You have saved many edits in a short time. Your text is kept below: please wait a few minutes and save again.")
		return
	}
	if err := s.collectAttachments(r, v); err != nil {
		var p *pages.Problem
		if errors.As(err, &p) {
			refuse(p.Status, "attachment", p.Reason)
			return
		}
		s.serveError(w, r, err)
		return
	}

	if r.FormValue("action") == "preview" {
		file := string(name) + ".md"
		if p, ok := st.Page(name); ok {
			file = p.File
		}
		doc := s.loader.Renderer().Render([]byte(v.Content), render.Context{Page: name, File: file, Resolver: st, URLs: contentURLs})
		v.Preview, v.Previewed = doc.HTML, true
		_, v.Notes = s.loader.Renderer().SanitizeSource([]byte(v.Content))
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusOK, "edit", v)
		return
	}

	if s.unresolvedConflict(r, st, name, v.Content) {
		refuse(http.StatusConflict, "content", "The text still holds the conflict markers (the lines starting with <<<<<<<, |||||||, ======= and >>>>>>>). In each place, keep the text that is right, delete the rest and the marker lines, then save again.")
		return
	}

	sub := pages.Submission{Page: name, Title: v.PageTitle, Content: v.Content, Summary: v.Summary, Base: v.BaseRev, Name: v.Name, Email: v.Email}
	if u := s.user(r); u != nil && strings.TrimSpace(sub.Name) == "" {
		sub.Name = u.Name
	}
	prep, err := s.pages.Prepare(ctx, sub)
	if err != nil {
		var p *pages.Problem
		if errors.As(err, &p) {
			refuse(p.Status, p.Field, p.Reason)
			return
		}
		s.serveError(w, r, err)
		return
	}
	if len(prep.Notes) > 0 && r.FormValue("cleaned") == "" {
		// Say what cleaning removed before anything is saved: the person sees
		// the cleaned text and saves again.
		v.Content, v.Notes = string(prep.Source), prep.Notes
		v.Problem = "Some HTML in your text is not allowed on this wiki and was removed (see the list below). Check the text and save again."
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusUnprocessableEntity, "edit", v)
		return
	}
	for _, a := range v.Attachments {
		data, _ := base64.StdEncoding.DecodeString(a.Data)
		file, _, err := pages.Attachment(string(name), prep.File, a.Name, data)
		if err != nil {
			refuse(http.StatusBadRequest, "attachment", err.Error())
			return
		}
		// Never replace another file silently: pages in one folder share
		// their attachments' names, and phones call every picture image.png.
		if e, ok := st.File(file); ok {
			if old, err := s.repo.ReadBlob(ctx, e.Blob, pages.MaxAttachment); err != nil || !bytes.Equal(old, data) {
				v.Attachments = slices.DeleteFunc(v.Attachments, func(p theme.PendingFile) bool { return p.Name == a.Name })
				refuse(http.StatusConflict, "attachment", "A different file called “"+a.Name+"” is already stored next to this page. Rename your file and attach it again; your text is kept.")
				return
			}
		}
		prep.WithAttachment(file, data)
	}

	var conflict *pages.Conflict
	switch {
	case v.Proposal > 0:
		_, err = s.review.Revise(ctx, v.Proposal, v.Token, maintainer, prep)
		if err == nil {
			s.seeOther(w, r, s.proposalURL(v.Proposal, v.Token, false))
			return
		}
	case st.Settings.EditPolicy == site.PolicyOpen || (maintainer && !v.Propose):
		_, err = s.pages.Commit(ctx, prep)
		if err == nil {
			s.seeOther(w, r, name.URL()+"?saved=1")
			return
		}
	default:
		prop, token, err := s.review.Open(ctx, prep)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		s.seeOther(w, r, s.proposalURL(prop.ID, token, true))
		return
	}
	switch {
	case errors.As(err, &conflict):
		v.Content, v.BaseRev = conflict.Merged, conflict.Head.String()
		v.Conflict = &theme.EditConflict{Mine: conflict.Mine, Theirs: conflict.Theirs, Regions: len(conflict.Regions), Deleted: conflict.Deleted}
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusConflict, "edit", v)
	case errors.Is(err, review.ErrBadToken):
		refuse(http.StatusForbidden, "", "This link does not allow revising the proposal. Your text is kept below; you can copy it into a new proposal.")
	case errors.Is(err, review.ErrClosed):
		refuse(http.StatusConflict, "", "This proposal has been decided already, so it cannot be revised. Your text is kept below; you can copy it into a new edit.")
	case errors.Is(err, pages.ErrBusy):
		refuse(http.StatusServiceUnavailable, "", "The wiki is very busy and your edit could not be saved. Your text is kept below: please save again.")
	default:
		s.serveError(w, r, err)
	}
}

// unresolvedConflict reports whether text still holds a conflict block as
// the editor wrote it after a conflict (the marker labels of pages.Save), so
// that saving again unchanged does not publish the markers. A page whose
// current text has such lines already (one about conflicts) may keep them.
func (s *Server) unresolvedConflict(r *http.Request, st *site.Site, name wikipath.Page, text string) bool {
	has := func(t string) bool {
		t = "\n" + strings.ReplaceAll(t, "\r\n", "\n") + "\n"
		return strings.Contains(t, "\n<<<<<<< your edit\n") && strings.Contains(t, "\n>>>>>>> the current version\n")
	}
	if !has(text) {
		return false
	}
	if p, ok := st.Page(name); ok {
		if b, err := st.Source(r.Context(), p); err == nil && has(string(b)) {
			return false
		}
	}
	return true
}

// collectAttachments gathers the files carried in hidden fields and the one
// just uploaded, checking each by its content.
func (s *Server) collectAttachments(r *http.Request, v *theme.EditView) error {
	names, datas := r.Form["pending_name"], r.Form["pending_data"]
	for i := range min(len(names), len(datas), 3) {
		data, err := base64.StdEncoding.DecodeString(datas[i])
		if err != nil {
			return &pages.Problem{Field: "attachment", Status: http.StatusBadRequest, Reason: "An attached file was damaged in the form. Please attach it again."}
		}
		if err := s.addAttachment(v, names[i], data); err != nil {
			return err
		}
	}
	if r.MultipartForm == nil {
		return nil
	}
	for _, fh := range r.MultipartForm.File["attachment"] {
		if len(v.Attachments) >= 3 {
			return &pages.Problem{Field: "attachment", Status: http.StatusBadRequest, Reason: "At most three files can be attached to one edit."}
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(f, pages.MaxAttachment+1))
		f.Close()
		if err != nil {
			return err
		}
		if err := s.addAttachment(v, fh.Filename, data); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) addAttachment(v *theme.EditView, name string, data []byte) error {
	file, md, err := pages.Attachment(string(v.Page), string(v.Page)+".md", name, data)
	if err != nil {
		return err
	}
	base := file[strings.LastIndexByte(file, '/')+1:]
	v.Attachments = append(v.Attachments, theme.PendingFile{Name: base, Data: base64.StdEncoding.EncodeToString(data), Size: int64(len(data)), Markdown: md})
	if !strings.Contains(v.Content, "("+base+")") && v.Content != "" {
		v.Content = strings.TrimRight(v.Content, "\n") + "\n\n" + md + "\n"
	}
	return nil
}

// parseForm reads urlencoded and multipart bodies alike; a body over the
// limit is a 413 with a sentence, not a 500.
func parseForm(r *http.Request) error {
	err := r.ParseMultipartForm(4 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &httpError{http.StatusRequestEntityTooLarge, "Too large", "What you sent is larger than the wiki accepts (" + strconv.FormatInt(mbe.Limit>>20, 10) + " MB). Pages are limited to 1 MB of text and files to 10 MB each."}
	}
	if err != nil {
		return errBadRequest("The form could not be read. Please try again.")
	}
	return nil
}

func (s *Server) seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// proposalURL leads to a proposal; with the token it lets the contributor
// revise it, and opened says it was just created.
func (s *Server) proposalURL(id int, token string, opened bool) string {
	u := s.urlFor("proposal", "id", strconv.Itoa(id))
	var q []string
	if token != "" {
		q = append(q, "token="+token)
	}
	if opened {
		q = append(q, "opened=1")
	}
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u
}
