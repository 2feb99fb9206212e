package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// proposalMerge merges a proposal into the main branch (maintainers). A
// conflict shows each file with both versions for the maintainer to
// resolve; the resolution posts back here with head, path and content.
func (s *Server) proposalMerge(w http.ResponseWriter, r *http.Request) error {
	id := proposalID(r)
	u := s.user(r)
	if u == nil || !u.Maintainer {
		return errMaintainersOnly
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<20)
	if err := parseForm(r); err != nil {
		return err
	}
	res, err := resolution(r)
	if err != nil {
		return err
	}
	reviewed, err := formHash(r, "reviewed")
	if err != nil {
		return err
	}
	_, err = s.review.Merge(r.Context(), id, maintainerSignature(u.Name), r.FormValue("message"), reviewed, res)
	var mc *review.MergeConflict
	var un *review.Unresolved
	switch {
	case errors.As(err, &un):
		return s.proposalForm(r, id, err, &theme.MergeConflictView{Head: res.Head.String(), Files: []theme.ConflictFile{{Path: un.Path, Merged: un.Text}}})
	case errors.As(err, &mc):
		cv := &theme.MergeConflictView{Head: mc.Head.String()}
		for _, f := range mc.Files {
			cv.Files = append(cv.Files, theme.ConflictFile{Path: f.Path, Merged: f.Merged, Binary: f.Binary})
		}
		return s.proposalForm(r, id, err, cv)
	case errors.Is(err, review.ErrChanged):
		return s.proposalForm(r, id, err, nil)
	case err != nil:
		return err
	}
	s.wrote()
	s.seeOther(w, r, s.urlFor("proposal", "id", itoa(id)))
	return nil
}

// resolution reads a maintainer's resolution of a merge conflict: the main
// head it was made against, and the resolved files. nil when none was sent.
func resolution(r *http.Request) (*review.Resolution, error) {
	head, err := formHash(r, "head")
	if err != nil || head.IsZero() {
		return nil, err
	}
	res := &review.Resolution{Head: head, Files: map[string][]byte{}}
	paths, contents := r.Form["path"], r.Form["content"]
	for i := range min(len(paths), len(contents)) {
		res.Files[paths[i]] = []byte(strings.ReplaceAll(contents[i], "\r\n", "\n"))
	}
	return res, nil
}

// formHash reads a commit id from a form field; ZeroHash when it is empty.
func formHash(r *http.Request, field string) (store.Hash, error) {
	v := strings.TrimSpace(r.FormValue(field))
	if v == "" {
		return store.ZeroHash, nil
	}
	h, err := store.ParseHash(v)
	if err != nil {
		return h, errBadRevisionField
	}
	return h, nil
}

// maintainerSignature is the author of a maintainer's merge.
func maintainerSignature(name string) store.Signature { return pages.AccountIdentity(name) }
