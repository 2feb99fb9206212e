package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gitwiki/gitwiki/internal/merge"
	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

func itoa(n int) string { return strconv.Itoa(n) }

// proposalID reads {id}; the route admits digits only.
func proposalID(r *http.Request) int {
	id, _ := strconv.Atoi(mux.Vars(r)["id"])
	return id
}

// proposalShow shows one proposal: its diff per file, the proposed page
// rendered, comments, and the maintainer's actions.
func (s *Server) proposalShow(w http.ResponseWriter, r *http.Request) {
	v, err := s.proposalView(r, proposalID(r))
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	q := r.URL.Query()
	if token := q.Get("token"); token != "" && v.CanRevise {
		v.JustOpened = q.Get("opened") == "1"
		v.ReviseURL = s.origin(r) + "/-/edit/" + wikipath.EscapePath(string(v.Proposal.Page.Page)) + "?proposal=" + itoa(v.Proposal.ID) + "&token=" + token
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "proposal", v)
}

func (s *Server) proposalView(r *http.Request, id int) (*theme.ProposalView, error) {
	ctx := r.Context()
	st, err := s.loader.Head(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.review.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &theme.ProposalView{
		Base:       s.base(r, st, "Proposal "+itoa(id)+": "+p.Title, ""),
		Proposal:   proposalItem(st, p),
		Branch:     strings.TrimPrefix(p.Branch, "refs/heads/"),
		BaseRev:    p.Base,
		HeadRev:    p.Head,
		DecidedBy:  p.DecidedBy,
		DecidedAt:  p.DecidedAt,
		Reason:     p.Reason,
		MergedAs:   p.MergedAs,
		Maintainer: s.isMaintainer(r),
		CanRevise:  p.State == review.Open && p.CheckToken(r.URL.Query().Get("token")),
		Honeypot:   honeypotField,
		GitURL:     s.gitURL(r),
	}
	v.NoIndex = true
	for _, c := range p.Comments {
		v.Comments = append(v.Comments, theme.ProposalComment{Author: c.Author, Maintainer: c.Maintainer, Date: c.Date, Text: c.Text})
	}
	files, err := s.review.Changes(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		pf := theme.ProposalFile{Path: f.Path, Added: f.Added, Deleted: f.Deleted, Binary: f.Binary}
		if name, ok := wikipath.FromFile(f.Path); ok {
			pf.Page, pf.IsPage = name, true
		}
		if !f.Binary {
			pf.Rows = diffRows(f.Old, f.New)
		}
		v.Files = append(v.Files, pf)
	}
	if head := p.HeadHash(); !head.IsZero() {
		if pst, err := s.loader.At(ctx, head); err == nil {
			if pg, ok := pst.Page(p.Page); ok {
				if doc, err := pst.Render(ctx, pg, contentURLs, urlsKey); err == nil {
					v.Preview = doc.HTML
				}
			}
		}
	}
	return v, nil
}

func diffRows(a, b string) []theme.DiffRow {
	var rows []theme.DiffRow
	for _, row := range merge.SideBySide(a, b, diffContext) {
		rows = append(rows, theme.DiffRow{
			Kind: row.Kind.String(), LeftNum: row.LeftNum, RightNum: row.RightNum,
			Left: spansHTML(row.Left, "del"), Right: spansHTML(row.Right, "ins"), SkipCount: row.Skip,
		})
	}
	return rows
}

// proposalComment adds a comment; anyone may comment, within the write limit.
func (s *Server) proposalComment(w http.ResponseWriter, r *http.Request) {
	id := proposalID(r)
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := parseForm(r); err != nil {
		s.serveError(w, r, err)
		return
	}
	maintainer := s.isMaintainer(r)
	fail := func(status int, msg string) {
		v, err := s.proposalView(r, id)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		v.Problem = msg
		s.render(w, r, status, "proposal", v)
	}
	if s.honeypotTripped(r) {
		fail(http.StatusBadRequest, "The form was filled in by software, so the comment was not saved.")
		return
	}
	if !maintainer && !s.allowWrite(r) {
		fail(http.StatusTooManyRequests, "You have written many comments in a short time. Please wait a few minutes.")
		return
	}
	author := strings.TrimSpace(r.FormValue("name"))
	if u := s.user(r); u != nil {
		author = u.Name
	}
	ident, err := identityName(author)
	if err != nil {
		fail(http.StatusBadRequest, err.Error())
		return
	}
	err = s.review.AddComment(r.Context(), id, review.Comment{Author: ident, Maintainer: maintainer, Text: r.FormValue("text")})
	switch {
	case errors.Is(err, review.ErrEmptyText):
		fail(http.StatusBadRequest, "The comment is empty or too long (at most 20,000 characters).")
	case err != nil:
		s.serveError(w, r, err)
	default:
		s.seeOther(w, r, s.urlFor("proposal", "id", itoa(id))+"#comments")
	}
}

// proposalReject closes a proposal with an optional reason (maintainers).
func (s *Server) proposalReject(w http.ResponseWriter, r *http.Request) {
	id := proposalID(r)
	u := s.user(r)
	if u == nil || !u.Maintainer {
		s.serveError(w, r, errForbidden("Only maintainers can reject proposals. Log in first."))
		return
	}
	// The reason is stored in the proposal's record, which has a size limit.
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := parseForm(r); err != nil {
		s.serveError(w, r, err)
		return
	}
	err := s.review.Reject(r.Context(), id, u.Name, r.FormValue("reason"))
	if errors.Is(err, review.ErrClosed) {
		s.serveError(w, r, &httpError{http.StatusConflict, "Already decided", "This proposal has been merged or rejected already."})
		return
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.seeOther(w, r, s.urlFor("proposal", "id", itoa(id)))
}

// proposalMerge merges a proposal into the main branch (maintainers). A
// conflict shows each file with both versions for the maintainer to
// resolve; the resolution posts back here with head, path and content.
func (s *Server) proposalMerge(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := proposalID(r)
	u := s.user(r)
	if u == nil || !u.Maintainer {
		s.serveError(w, r, errForbidden("Only maintainers can merge proposals. Log in first."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<20)
	if err := parseForm(r); err != nil {
		s.serveError(w, r, err)
		return
	}
	var res *review.Resolution
	if head := r.FormValue("head"); head != "" {
		h, err := parseHash(head)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		res = &review.Resolution{Head: h, Files: map[string][]byte{}}
		paths, contents := r.Form["path"], r.Form["content"]
		for i := range min(len(paths), len(contents)) {
			text := strings.ReplaceAll(contents[i], "\r\n", "\n")
			if strings.Contains(text, "<<<<<<< ") && strings.Contains(text, ">>>>>>> ") {
				v, err := s.proposalView(r, id)
				if err != nil {
					s.serveError(w, r, err)
					return
				}
				v.Problem = "The text of " + paths[i] + " still has conflict markers (<<<<<<< and >>>>>>>). Keep what should stay, remove the markers, and merge again."
				v.Conflict = &theme.MergeConflictView{Head: head, Files: []theme.ConflictFile{{Path: paths[i], Merged: text}}}
				s.render(w, r, http.StatusConflict, "proposal", v)
				return
			}
			res.Files[paths[i]] = []byte(text)
		}
	}
	var reviewed store.Hash
	if v := r.FormValue("reviewed"); v != "" {
		h, err := parseHash(v)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		reviewed = h
	}
	sig := maintainerSignature(u.Name)
	_, err := s.review.Merge(ctx, id, sig, r.FormValue("message"), reviewed, res)
	var mc *review.MergeConflict
	switch {
	case errors.As(err, &mc):
		v, verr := s.proposalView(r, id)
		if verr != nil {
			s.serveError(w, r, verr)
			return
		}
		v.Problem = "This proposal changes lines that were also changed on the main branch since it was made. Resolve each file below, then merge."
		v.Conflict = &theme.MergeConflictView{Head: mc.Head.String()}
		for _, f := range mc.Files {
			v.Conflict.Files = append(v.Conflict.Files, theme.ConflictFile{Path: f.Path, Merged: f.Merged, Binary: f.Binary})
		}
		s.render(w, r, http.StatusConflict, "proposal", v)
	case errors.Is(err, review.ErrChanged):
		v, verr := s.proposalView(r, id)
		if verr != nil {
			s.serveError(w, r, verr)
			return
		}
		v.Problem = "The contributor revised this proposal after you loaded it, so it was not merged. Review the new version below, then merge again."
		s.render(w, r, http.StatusConflict, "proposal", v)
	case errors.Is(err, review.ErrClosed):
		s.serveError(w, r, &httpError{http.StatusConflict, "Already decided", "This proposal has been merged or rejected already."})
	case err != nil:
		s.serveError(w, r, err)
	default:
		s.seeOther(w, r, s.urlFor("proposal", "id", itoa(id)))
	}
}

func parseHash(s string) (store.Hash, error) {
	h, err := store.ParseHash(strings.TrimSpace(s))
	if err != nil {
		return h, errBadRequest("The form names a revision that is not a commit id. Reload the page and try again.")
	}
	return h, nil
}

// identityName checks a commenter's name as a commit author's would be.
func identityName(name string) (string, error) {
	sig, err := pages.Identity(name, "")
	if err != nil {
		return "", err
	}
	return sig.Name, nil
}

// maintainerSignature is the author of a maintainer's merge.
func maintainerSignature(name string) store.Signature {
	return store.Signature{Name: name, Email: name + "@maintainers.invalid"}
}
