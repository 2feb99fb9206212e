package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// maxConflictFiles bounds the files one resolution form may answer.
const maxConflictFiles = 200

// resolution reads a maintainer's answer to a merge conflict made against
// main at head: for each file (path-N), either the whole file edited
// (content-N, when it differs from the text with markers) or a choice per
// block (keep-N-M, with text-N-M for "edit"). A form of the older shape,
// path and content repeated, is read too. nil when no head was sent.
func (s *Server) resolution(r *http.Request, p *review.Proposal) (*review.Resolution, map[string]present.Sent, error) {
	head, err := formHash(r, "head")
	if err != nil || head.IsZero() {
		return nil, nil, err
	}
	res := &review.Resolution{Head: head, Files: map[string][]byte{}}
	paths, contents := r.Form["path"], r.Form["content"]
	for i := range min(len(paths), len(contents)) {
		res.Files[paths[i]] = []byte(formText(contents[i]))
	}
	if r.FormValue("path-0") == "" {
		return res, nil, nil
	}
	mc, err := s.review.ConflictAt(r.Context(), p, head)
	if err != nil || mc == nil {
		return res, nil, err
	}
	sent := map[string]present.Sent{}
	var unchosen error
	for i := range maxConflictFiles {
		n := strconv.Itoa(i)
		path := r.FormValue("path-" + n)
		if path == "" {
			break
		}
		fc, ok := conflictFile(mc, path)
		if !ok {
			continue
		}
		if raw := formText(r.FormValue("content-" + n)); raw != "" && raw != fc.Merged {
			res.Files[path] = []byte(raw)
			continue
		}
		choices := make([]review.Choice, len(fc.Blocks))
		for j := range choices {
			m := n + "-" + strconv.Itoa(j)
			choices[j] = review.Choice{Keep: review.Keep(r.FormValue("keep-" + m)), Text: formText(r.FormValue("text-" + m))}
		}
		sent[path] = present.Sent{Choices: choices}
		text, err := fc.Resolve(choices)
		if err != nil {
			unchosen = err
			continue
		}
		res.Files[path] = []byte(text)
	}
	return res, sent, unchosen
}

// conflictAgain rebuilds the conflict a refused resolution answered, with
// the maintainer's answers filled in, so nothing they chose or wrote is
// lost; un, when set, is a whole file they edited that still has markers.
func (s *Server) conflictAgain(r *http.Request, p *review.Proposal, res *review.Resolution, sent map[string]present.Sent, un *review.Unresolved) (*theme.MergeConflictView, error) {
	mc, err := s.review.ConflictAt(r.Context(), p, res.Head)
	if err != nil {
		return nil, err
	}
	if mc == nil {
		mc = &review.MergeConflict{Head: res.Head}
	}
	cv := present.ConflictView(mc, sent)
	if un != nil {
		found := false
		for i := range cv.Files {
			if cv.Files[i].Path == un.Path {
				cv.Files[i].Merged, found = un.Text, true
			}
		}
		if !found {
			cv.Files = append(cv.Files, theme.ConflictFile{Path: un.Path, Merged: un.Text})
		}
	}
	return cv, nil
}

func conflictFile(mc *review.MergeConflict, path string) (review.FileConflict, bool) {
	for _, f := range mc.Files {
		if f.Path == path && !f.Binary {
			return f, true
		}
	}
	return review.FileConflict{}, false
}

// formText is a textarea's value with the browser's CRLF line ends undone.
func formText(v string) string { return strings.ReplaceAll(v, "\r\n", "\n") }
