package web

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/gitwiki/gitwiki/internal/pages"
)

// uploadAnswer is the JSON editor.js reads after a paste or a drop.
type uploadAnswer struct {
	Name     string `json:"name,omitempty"`     // the file's name next to the page
	Markdown string `json:"markdown,omitempty"` // what shows it, to insert at the cursor
	URL      string `json:"url,omitempty"`      // where it will be, for the live preview
	Size     int    `json:"size,omitempty"`
	Error    string `json:"error,omitempty"` // why not, in the reader's language
}

// editUpload takes POST /-/upload/{page}: one file pasted or dropped into
// the editor's text, checked by its content as a file chosen in the form
// is, and named so that it replaces no other file. Nothing is stored: the
// editor carries the file in the form (pending_name, pending_data) and it
// is saved with the edit, where the edit goes (a proposal, under review),
// exactly like a file added without JavaScript. Like every POST it is
// refused from other sites (CSRF), and it spends a preview token.
func (s *Server) editUpload(w http.ResponseWriter, r *http.Request) error {
	ans, err := s.placeUpload(w, r)
	status := http.StatusOK
	if err != nil {
		a := classify(err)
		if a.status >= 500 {
			s.log.Error("upload failed", "path", r.URL.Path, "err", err)
		}
		_, msg := a.words(s.formLang(r, nil))
		status, ans = a.status, uploadAnswer{Error: msg}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(ans)
}

func (s *Server) placeUpload(w http.ResponseWriter, r *http.Request) (uploadAnswer, error) {
	name, err := page(r)
	if err != nil {
		return uploadAnswer{}, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, pages.MaxAttachment+1<<20)
	if err := parseForm(r); err != nil {
		return uploadAnswer{}, err
	}
	st, err := s.pages.Editable(r.Context())
	if err != nil {
		return uploadAnswer{}, err
	}
	if err := s.checkPreview(r); err != nil {
		return uploadAnswer{}, err
	}
	taken := r.Form["pending"]
	if len(taken) >= maxUploads {
		return uploadAnswer{}, errTooManyFiles
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return uploadAnswer{}, errBadForm
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, pages.MaxAttachment+1))
	if err != nil {
		return uploadAnswer{}, err
	}
	file, md, err := s.pages.PlaceUpload(r.Context(), st, name, fh.Filename, data, taken)
	if err != nil {
		return uploadAnswer{}, err
	}
	return uploadAnswer{Name: file, Markdown: md, URL: s.fileURL(st, name, file), Size: len(data)}, nil
}
