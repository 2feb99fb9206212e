package pages

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Who is the person behind a submission, as the transport authenticated them.
type Who struct {
	Account    string // the logged-in account, "" for an anonymous contributor
	Maintainer bool
}

// Upload is a file sent with an edit, to be stored next to the page.
type Upload struct {
	Name string // as the person's device named it
	Data []byte
}

// Proposer turns prepared edits into proposals. review.Service is the one
// the wiki uses; pages cannot import review, which builds on pages, so the
// wiring hands it over (SetProposer).
type Proposer interface {
	Open(ctx context.Context, p *Prepared) (id int, token string, err error)
	OpenChange(ctx context.Context, base store.Hash, ch *Change) (id int, token string, err error)
	Revise(ctx context.Context, id int, token string, maintainer bool, p *Prepared) (*Result, error)
	// Head is an open proposal's newest commit.
	Head(ctx context.Context, id int) (store.Hash, error)
}

// SetProposer gives Save the way to open and revise proposals.
func (s *Service) SetProposer(p Proposer) { s.proposer = p }

// SetHold makes Save and SaveChange propose what they would commit to the
// served branch while hold reports true: the upstream sync holds the
// branch while it and the upstream's conflict (internal/upstream's
// Syncer.Diverged). Call it before the service is used.
func (s *Service) SetHold(hold func() bool) { s.hold = hold }

// direct reports whether an edit goes straight to the served branch.
func (s *Service) direct(st *site.Site, who Who, propose bool) bool {
	return (st.Settings.EditPolicy == site.PolicyOpen || (who.Maintainer && !propose)) && (s.hold == nil || !s.hold())
}

// Errors of Save besides *Problem, *Conflict and *Cleaned.
var (
	// ErrEditingClosed: wiki.yaml says edit_policy: closed.
	ErrEditingClosed = errors.New("editing is closed")
	// ErrNoProposals: the wiki was wired without proposals, and this edit
	// would have to be one.
	ErrNoProposals = errors.New("proposals are not available")
	// ErrCheckedOut: the served branch is checked out in a working tree,
	// which web edits would leave behind (store.Repo.CheckedOut).
	ErrCheckedOut = errors.New("the served branch is checked out in a working tree")
)

// Cleaned refuses the first save of a text from which cleaning removed
// something: the person sees the cleaned text and what went, and saves again
// (Submission.Cleaned) if it is right.
type Cleaned struct {
	Source []byte
	Notes  []string
}

func (c *Cleaned) Error() string { return "cleaning removed parts of the text" }

// Destination is where a saved edit went.
type Destination int

const (
	Committed Destination = iota + 1 // on the served branch
	Proposed                         // a new proposal
	Revised                          // a new version of an open proposal
)

// Outcome says what Save did.
type Outcome struct {
	Dest     Destination
	Page     wikipath.Page
	Commit   store.Hash
	Merged   bool // changes made meanwhile were merged in
	NoChange bool // the text already read exactly so
	Proposal int
	Token    string // the private revise token of a new proposal
}

// Editable is the head's read model for a change: ErrEditingClosed while
// the wiki takes no edits.
func (s *Service) Editable(ctx context.Context) (*site.Site, error) {
	st, err := s.loader.Head(ctx)
	if err != nil {
		return nil, err
	}
	if st.Settings.EditPolicy == site.PolicyClosed {
		return nil, ErrEditingClosed
	}
	if err := s.Writable(); err != nil {
		return nil, err
	}
	return st, nil
}

// Writable refuses writes to a branch that a working tree has checked out:
// the wiki never touches working files, so that checkout's next commit
// would undo the edit. Serving a bare clone avoids it.
func (s *Service) Writable() error {
	if paths := s.repo.CheckedOut(); len(paths) > 0 {
		return fmt.Errorf("%w: %s", ErrCheckedOut, strings.Join(paths, ", "))
	}
	return nil
}

// Save takes an edit from the editor and decides everything about it: the
// edit policy and so where it goes, cleaning, conflict markers left in the
// text, attachments that would replace another file, and the merge with
// whatever changed since its base. Every refusal is an error carrying what
// the person needs to fix it (*Problem, *Cleaned, *Conflict, or a sentinel
// of this package or of the proposer).
func (s *Service) Save(ctx context.Context, sub Submission, who Who) (*Outcome, error) {
	st, err := s.Editable(ctx)
	if err != nil {
		return nil, err
	}
	if who.Account != "" {
		// An account's edits carry its identity, whatever the form says, so
		// a name typed anonymously can never pass for it.
		sub.Name, sub.Email = "", ""
	}
	if sub.Fields != nil || sub.Section > 0 {
		if sub.Content, err = s.Compose(ctx, sub); err != nil {
			return nil, err
		}
		sub.Fields, sub.FrontMatter, sub.Section, sub.Title = nil, "", 0, ""
	}
	if unresolved(ctx, st, sub.Page, sub.Content) {
		return nil, problem("content", Unresolved, "conflict_markers")
	}
	p, err := s.Prepare(ctx, sub)
	if err != nil {
		return nil, err
	}
	if who.Account != "" {
		p.Author = AccountIdentity(who.Account)
	}
	if err := s.checkBase(ctx, p.Base, sub); err != nil {
		return nil, err
	}
	if len(p.Notes) > 0 && !sub.Cleaned {
		return nil, &Cleaned{Source: p.Source, Notes: p.Notes}
	}
	if err := s.attach(ctx, st, p, sub.Uploads); err != nil {
		return nil, err
	}
	out := &Outcome{Page: p.Page}
	switch {
	case sub.Proposal > 0:
		if s.proposer == nil {
			return nil, ErrNoProposals
		}
		res, err := s.proposer.Revise(ctx, sub.Proposal, sub.Token, who.Maintainer, p)
		if err != nil {
			return nil, err
		}
		out.Dest, out.Proposal, out.Commit, out.Merged, out.NoChange = Revised, sub.Proposal, res.Commit, res.Merged, res.NoChange
	case s.direct(st, who, sub.Propose):
		res, err := s.Commit(ctx, p)
		if err != nil {
			return nil, err
		}
		out.Dest, out.Commit, out.Merged, out.NoChange = Committed, res.Commit, res.Merged, res.NoChange
	default:
		if s.proposer == nil {
			return nil, ErrNoProposals
		}
		id, token, err := s.proposer.Open(ctx, p)
		if err != nil {
			return nil, err
		}
		out.Dest, out.Proposal, out.Token = Proposed, id, token
	}
	return out, nil
}

// SaveChange publishes a move or delete under the same policy as Save:
// committed by maintainers (unless they propose) and under the open policy,
// proposed otherwise. base is the version the person confirmed it on; it
// must be a version of the wiki, and a proposal is made against it.
func (s *Service) SaveChange(ctx context.Context, ch *Change, base string, who Who, propose bool) (*Outcome, error) {
	st, err := s.Editable(ctx)
	if err != nil {
		return nil, err
	}
	b, err := parseBase(base)
	if err != nil {
		return nil, err
	}
	if err := s.checkBase(ctx, b, Submission{}); err != nil {
		return nil, err
	}
	out := &Outcome{Page: ch.Page}
	if s.direct(st, who, propose) {
		c, err := s.Apply(ctx, "refs/heads/"+s.repo.Branch(), ch)
		if err != nil {
			return nil, err
		}
		out.Dest, out.Commit = Committed, c
		return out, nil
	}
	if s.proposer == nil {
		return nil, ErrNoProposals
	}
	id, token, err := s.proposer.OpenChange(ctx, b, ch)
	if err != nil {
		return nil, err
	}
	out.Dest, out.Proposal, out.Token = Proposed, id, token
	return out, nil
}

// checkBase refuses a base that is not a version of the published wiki or
// of the proposal being revised. Any commit id would parse, the proposal
// records' own history included, and an edit placed on one would show the
// whole wiki as deleted.
func (s *Service) checkBase(ctx context.Context, base store.Hash, sub Submission) error {
	if ok, err := s.loader.Published(ctx, base); err != nil || ok {
		return err
	}
	if sub.Proposal > 0 && s.proposer != nil {
		head, err := s.proposer.Head(ctx, sub.Proposal)
		if err != nil {
			return err
		}
		if ok, err := s.repo.IsAncestor(ctx, base, head); err != nil || ok {
			return err
		}
	}
	return problem("base", Invalid, "base_missing")
}

// attach checks the uploads and adds them to the edit's commit. It never
// replaces another file silently: pages in one folder share their
// attachments' names, and phones call every picture image.png.
func (s *Service) attach(ctx context.Context, st *site.Site, p *Prepared, uploads []Upload) error {
	for _, u := range uploads {
		file, _, err := Attachment(string(p.Page), p.File, u.Name, u.Data)
		if err != nil {
			if pr, ok := err.(*Problem); ok {
				pr.Attachment = u.Name
			}
			return err
		}
		if e, ok := st.File(file); ok {
			if old, err := s.repo.ReadBlob(ctx, e.Blob, MaxAttachment); err != nil || !bytes.Equal(old, u.Data) {
				pr := problem("attachment", Exists, "attachment_exists", "Name", baseName(file))
				pr.Attachment = u.Name
				return pr
			}
		}
		p.WithAttachment(file, u.Data)
	}
	return nil
}

func baseName(file string) string { return file[strings.LastIndexByte(file, '/')+1:] }

// unresolved reports whether text still holds a conflict block as the editor
// wrote it after a conflict (the marker labels of rebase), so that saving
// again unchanged does not publish the markers. A page whose current text
// has such lines already (one about conflicts) may keep them.
func unresolved(ctx context.Context, st *site.Site, name wikipath.Page, text string) bool {
	if !HasConflictMarkers(text) {
		return false
	}
	if p, ok := st.Page(name); ok {
		if b, err := st.Source(ctx, p); err == nil && HasConflictMarkers(string(b)) {
			return false
		}
	}
	return true
}

// HasConflictMarkers reports whether text holds a conflict block with the
// labels Save writes.
func HasConflictMarkers(text string) bool {
	t := "\n" + strings.ReplaceAll(text, "\r\n", "\n") + "\n"
	return strings.Contains(t, "\n<<<<<<< "+labels.Ours+"\n") && strings.Contains(t, "\n>>>>>>> "+labels.Theirs+"\n")
}

// RemoteWarning explains why a page should not load from other hosts.
func RemoteWarning(hosts []string) string {
	return "This text loads images or media from other websites (" + strings.Join(hosts, ", ") + "). Every reader's browser would contact them, which tells them who reads this page, so the wiki blocks these loads. Upload the file to the wiki instead."
}

// Preview renders text as the page name would show it, at st, with what
// cleaning would remove. Anyone may ask, so it runs in the renderer's
// bounded pool with a deadline (render.ErrBusy, render.ErrTooComplex).
func (s *Service) Preview(ctx context.Context, st *site.Site, name wikipath.Page, text string, urls render.URLs) (*render.Document, []string, error) {
	file := string(name) + ".md"
	if p, ok := st.Page(name); ok {
		file = p.File
	}
	doc, err := s.renderer.RenderUntrusted(ctx, []byte(text), render.Context{Page: name, File: file, Resolver: st, URLs: urls})
	if err != nil {
		return nil, nil, err
	}
	if hosts := render.RemoteHosts(doc.HTML); len(hosts) > 0 {
		doc.Warnings = append(doc.Warnings, RemoteWarning(hosts))
	}
	_, notes := s.renderer.SanitizeSource([]byte(text))
	return doc, notes, nil
}
