package review

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gitwiki/gitwiki/internal/merge"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
)

// FileConflict is one file the proposal and main both changed in
// overlapping places. Merged holds both sides between markers.
type FileConflict struct {
	Path   string // relative to the content root
	Merged string
	Binary bool // cannot be resolved on the web; use git
	// Blocks are the conflicting regions of Merged in order, each with
	// the proposal's, the common ancestor's and main's text; none when one
	// side deleted the file, which is resolved as a whole.
	Blocks []Block
}

// Block is one region of a file the proposal and main changed differently.
// Start and End are its lines in Merged, markers included, 0-based and
// half-open.
type Block struct {
	Start, End           int
	Proposal, Base, Main string
}

// MergeConflict is returned when a proposal cannot merge cleanly. Head is
// the main commit the conflicts were computed against; a resolution must
// name it, so one made against an older main is refused.
type MergeConflict struct {
	Head  store.Hash
	Files []FileConflict
}

func (e *MergeConflict) Error() string {
	return fmt.Sprintf("the proposal conflicts with changes on the main branch in %d file(s)", len(e.Files))
}

// Resolution is a maintainer's text for a conflicting file.
type Resolution struct {
	Head  store.Hash        // the main commit the resolution was made against
	Files map[string][]byte // content-root-relative path → resolved text
}

// Unresolved refuses a maintainer's resolution that still holds conflict
// markers: merged, they would be published as text.
type Unresolved struct {
	Path, Text string
}

func (u *Unresolved) Error() string {
	return "the text of " + u.Path + " still has conflict markers (<<<<<<< and >>>>>>>). Keep what should stay, remove the markers, and merge again"
}

func hasMarkers(text string) bool {
	return strings.Contains(text, "<<<<<<< ") && strings.Contains(text, ">>>>>>> ")
}

// Merge merges an open proposal into main with a two-parent merge commit,
// so `git branch --merged` agrees. Files only the proposal changed are
// taken; files both sides changed are merged three ways; overlapping
// changes need a Resolution.
//
// reviewed is the proposal head the maintainer looked at; when it is set
// and the branch has moved since (a revision arrived), the merge is refused
// with ErrChanged, so nobody merges a version they have not seen.
func (s *Service) Merge(ctx context.Context, id int, by store.Signature, message string, reviewed store.Hash, res *Resolution) (store.Hash, error) {
	if err := s.pages.Writable(); err != nil {
		return store.ZeroHash, err
	}
	if res != nil {
		for path, text := range res.Files {
			if hasMarkers(string(text)) {
				return store.ZeroHash, &Unresolved{Path: path, Text: string(text)}
			}
		}
	}
	if err := s.Refresh(ctx); err != nil {
		return store.ZeroHash, err
	}
	prop, err := s.Get(ctx, id)
	if err != nil {
		return store.ZeroHash, err
	}
	if prop.State != Open {
		return store.ZeroHash, fmt.Errorf("proposal %d is %s: %w", id, prop.State, ErrClosed)
	}
	branchHead, err := s.repo.ResolveRef(ctx, prop.Branch)
	if err != nil {
		return store.ZeroHash, fmt.Errorf("proposal %d has no branch any more: %w", id, err)
	}
	if !reviewed.IsZero() && reviewed != branchHead {
		return store.ZeroHash, fmt.Errorf("proposal %d: %w", id, ErrChanged)
	}
	ref := "refs/heads/" + s.repo.Branch()
	msg, err := s.mergeMessage(ctx, prop, branchHead, by, message)
	if err != nil {
		return store.ZeroHash, err
	}
	done, err := s.repo.Turn(ctx, ref)
	if err != nil {
		return store.ZeroHash, err
	}
	defer done()
	for attempt := 0; attempt < 20; attempt++ {
		main, err := s.repo.ResolveRef(ctx, ref)
		if err != nil {
			return store.ZeroHash, err
		}
		writes, conflict, err := s.mergeTrees(ctx, main, branchHead, res)
		if err != nil {
			return store.ZeroHash, err
		}
		if conflict != nil {
			return store.ZeroHash, conflict
		}
		now := time.Now()
		author, committer := by, s.committer
		author.When, committer.When = now, now
		c, err := s.repo.WriteCommit(ctx, main, writes, store.CommitInfo{Author: author, Committer: committer, Message: msg, ExtraParents: []store.Hash{branchHead}})
		if err != nil {
			return store.ZeroHash, err
		}
		err = s.repo.UpdateRef(ctx, ref, c, main)
		if errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrLocked) {
			time.Sleep(time.Duration(1+attempt*attempt) * time.Millisecond)
			continue
		}
		if err != nil {
			return store.ZeroHash, err
		}
		err = s.update(ctx, func(rs *records) ([]int, []store.Hash, string, error) {
			p, ok := rs.byID[id]
			if !ok {
				return nil, nil, "", notFound(id)
			}
			now := time.Now().UTC()
			p.State, p.DecidedBy, p.DecidedAt, p.MergedAs, p.Head, p.Updated = Merged, by.Name, now, c.String(), branchHead.String(), now
			return []int{id}, nil, fmt.Sprintf("Merge proposal %d", id), nil
		})
		return c, err
	}
	return store.ZeroHash, ErrBusy
}

// mergeMessage names the proposal and carries the maintainer's note. The
// merge is the maintainer's; its Co-authored-by trailers credit the people
// who wrote the proposal, so the page, its history and the feed name them.
func (s *Service) mergeMessage(ctx context.Context, prop *Proposal, head store.Hash, by store.Signature, note string) (string, error) {
	msg := fmt.Sprintf("Merge proposal %d: %s\n", prop.ID, prop.Title)
	if m := strings.TrimSpace(note); m != "" {
		msg += "\n" + m + "\n"
	}
	authors, err := s.proposalAuthors(ctx, prop, head, by)
	if err != nil {
		return "", err
	}
	if t := store.CoAuthorTrailers(authors); t != "" {
		msg += "\n" + t
	}
	return msg, nil
}

// maxProposalCommits bounds the walk for a proposal's authors; a proposal
// of more commits credits the authors of its newest ones.
const maxProposalCommits = 200

// proposalAuthors are the authors of a proposal's own commits, from its
// head back to where it forked, newest first, but the merging maintainer.
func (s *Service) proposalAuthors(ctx context.Context, prop *Proposal, head store.Hash, by store.Signature) ([]store.Signature, error) {
	base := prop.BaseHash()
	var out []store.Signature
	for h, n := head, 0; !h.IsZero() && h != base && n < maxProposalCommits; n++ {
		c, err := s.repo.Commit(ctx, h)
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(c.Author.Email, by.Email) || c.Author.Name != by.Name {
			out = append(out, store.Signature{Name: c.Author.Name, Email: c.Author.Email})
		}
		if len(c.Parents) == 0 {
			break
		}
		h = c.Parents[0]
	}
	return out, nil
}

// mergeTrees computes the file writes that bring the proposal's changes
// onto main.
func (s *Service) mergeTrees(ctx context.Context, main, prop store.Hash, res *Resolution) ([]store.FileWrite, *MergeConflict, error) {
	base, err := s.repo.MergeBase(ctx, main, prop)
	if err != nil {
		return nil, nil, err
	}
	changes, err := s.repo.DiffCommits(ctx, base, prop)
	if err != nil {
		return nil, nil, err
	}
	prefix := s.prefix()
	var writes []store.FileWrite
	conflict := &MergeConflict{Head: main}
	for _, fc := range changes {
		read := func(c store.Hash) ([]byte, bool, error) {
			if c.IsZero() {
				return nil, false, nil
			}
			b, _, ok, err := s.repo.ReadFileAt(ctx, c, fc.Path, 64<<20)
			return b, ok, err
		}
		b, inBase, err := read(base)
		if err != nil {
			return nil, nil, err
		}
		m, inMain, err := read(main)
		if err != nil {
			return nil, nil, err
		}
		p, inProp, err := read(prop)
		if err != nil {
			return nil, nil, err
		}
		rel := strings.TrimPrefix(fc.Path, prefix)
		switch {
		case inMain == inProp && string(m) == string(p):
			continue // both sides agree
		case inMain == inBase && string(m) == string(b):
			if inProp {
				writes = append(writes, store.FileWrite{Path: fc.Path, Content: p})
			} else {
				writes = append(writes, store.FileWrite{Path: fc.Path, Delete: true})
			}
			continue
		}
		if res != nil && res.Head == main {
			if text, ok := res.Files[rel]; ok {
				writes = append(writes, store.FileWrite{Path: fc.Path, Content: text})
				continue
			}
		}
		if !inMain || !inProp || !utf8.Valid(b) || !utf8.Valid(m) || !utf8.Valid(p) {
			conflict.Files = append(conflict.Files, FileConflict{Path: rel, Binary: !utf8.Valid(m) || !utf8.Valid(p), Merged: string(p)})
			continue
		}
		out, blocks, ok := merge.Merge3Labels(string(b), string(p), string(m), merge.Labels{Ours: "proposal", Base: "common ancestor", Theirs: "main"})
		if ok {
			writes = append(writes, store.FileWrite{Path: fc.Path, Content: []byte(out)})
			continue
		}
		f := FileConflict{Path: rel, Merged: out}
		for _, c := range blocks {
			f.Blocks = append(f.Blocks, Block{Start: c.Start, End: c.End, Proposal: c.Ours, Base: c.Base, Main: c.Theirs})
		}
		conflict.Files = append(conflict.Files, f)
	}
	if len(conflict.Files) > 0 {
		return nil, conflict, nil
	}
	return writes, nil, nil
}

// FileDiff is one file a proposal changes, as text before and after.
type FileDiff struct {
	Path     string // relative to the content root
	Old, New string
	Added    bool
	Deleted  bool
	Binary   bool
}

// Changes lists what the proposal changes relative to where it forked from
// main, for review.
func (s *Service) Changes(ctx context.Context, p *Proposal) ([]FileDiff, error) {
	head := p.HeadHash()
	main, err := s.repo.Head(ctx)
	if err != nil {
		return nil, err
	}
	base := p.BaseHash()
	if p.State == Open {
		if mb, err := s.repo.MergeBase(ctx, main, head); err == nil && !mb.IsZero() {
			base = mb
		}
	}
	changes, err := s.repo.DiffCommits(ctx, base, head)
	if err != nil {
		return nil, err
	}
	prefix := s.prefix()
	var out []FileDiff
	for _, fc := range changes {
		if !strings.HasPrefix(fc.Path, prefix) {
			continue
		}
		d := FileDiff{Path: strings.TrimPrefix(fc.Path, prefix), Added: fc.Kind == store.Added, Deleted: fc.Kind == store.Deleted}
		if !base.IsZero() {
			b, _, _, err := s.repo.ReadFileAt(ctx, base, fc.Path, site.MaxPageBytes)
			if err != nil && !errors.Is(err, store.ErrTooLarge) {
				return nil, err
			}
			d.Old = string(b)
		}
		n, _, _, err := s.repo.ReadFileAt(ctx, head, fc.Path, site.MaxPageBytes)
		if err != nil && !errors.Is(err, store.ErrTooLarge) {
			return nil, err
		}
		d.New = string(n)
		d.Binary = !utf8.ValidString(d.Old) || !utf8.ValidString(d.New)
		if d.Binary {
			d.Old, d.New = "", ""
		}
		out = append(out, d)
	}
	return out, nil
}
