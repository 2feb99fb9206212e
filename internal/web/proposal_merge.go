package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
)

// proposalMerge merges a proposal into the main branch (maintainers). A
// conflict shows each file's conflicting blocks for the maintainer to
// answer one by one, or the whole file with markers; the answers post back
// here with the main head they were made against.
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
	p, err := s.review.Get(r.Context(), id)
	if err != nil {
		return err
	}
	reviewed, err := formHash(r, "reviewed")
	if err != nil {
		return err
	}
	res, sent, err := s.resolution(r, p)
	if err == nil {
		_, err = s.review.Merge(r.Context(), id, maintainerSignature(u.Name), r.FormValue("message"), reviewed, res)
	}
	var mc *review.MergeConflict
	var un *review.Unresolved
	switch {
	case errors.As(err, &mc):
		return s.proposalForm(r, id, err, present.ConflictView(mc, nil))
	case res != nil && (errors.As(err, &un) || errors.Is(err, review.ErrUnchosen)):
		cv, cerr := s.conflictAgain(r, p, res, sent, un)
		if cerr != nil {
			return cerr
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
