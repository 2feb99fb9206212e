package review

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Service opens, revises and decides proposals.
type Service struct {
	repo      *store.Repo
	loader    *site.Loader
	pages     *pages.Service
	committer store.Signature

	mu        sync.Mutex
	cache     *records
	view      *records // current's last answer, for viewKey
	viewKey   string
	refreshMu sync.Mutex
	claim     Claimer // nil: numbers are this repository's alone
	// refreshed is the state of refs the last Refresh saw; nothing to do
	// while it is unchanged.
	refreshed string
	// checks remembers merge checks and changed files by commit ids.
	checks memo
}

// New makes a Service; committer is the wiki's own identity. It hands pg
// the way to open proposals, so pages.Save can send edits here.
func New(loader *site.Loader, pg *pages.Service, committer store.Signature) *Service {
	s := &Service{repo: loader.Repo(), loader: loader, pages: pg, committer: committer}
	pg.SetProposer(s.Proposer())
	return s
}

func (s *Service) sig(who store.Signature) store.Signature {
	who.When = time.Now()
	return who
}

// Open turns a prepared edit into proposal N: a commit on top of the
// contributor's base, on a new branch refs/heads/proposals/N. The token is
// the contributor's private key to revise it; only its hash is stored.
func (s *Service) Open(ctx context.Context, p *pages.Prepared) (*Proposal, string, error) {
	return s.open(ctx, p.Base, s.pages.Writes(p, p.Source), p.Author, p.Message, p.Page)
}

// OpenChange proposes a move or delete, computed against commit base.
func (s *Service) OpenChange(ctx context.Context, base store.Hash, ch *pages.Change) (*Proposal, string, error) {
	writes, err := s.pages.Compute(ctx, base, ch)
	if err != nil {
		return nil, "", err
	}
	return s.open(ctx, base, writes, ch.Author, ch.Message, ch.Page)
}

func (s *Service) open(ctx context.Context, base store.Hash, writes []store.FileWrite, author store.Signature, message string, page wikipath.Page) (*Proposal, string, error) {
	c, err := s.repo.WriteCommit(ctx, base, writes,
		store.CommitInfo{Author: s.sig(author), Committer: s.sig(s.committer), Message: message})
	if err != nil {
		return nil, "", err
	}
	tokenBytes := make([]byte, 24)
	rand.Read(tokenBytes)
	token := base64.RawURLEncoding.EncodeToString(tokenBytes)
	sum := sha256.Sum256([]byte(token))
	prop, err := s.record(ctx, c, &Proposal{Title: strings.TrimSpace(firstLine(message)), Page: page, Author: author,
		Base: base.String(), TokenHash: hex.EncodeToString(sum[:])}, false)
	if err != nil {
		return nil, "", err
	}
	return s.settle(ctx, prop), token, nil
}

// Propose makes a proposal of commits already in the repository: head,
// on a line from base, or returns the open proposal already at head. The upstream sync uses it for the wiki's own edits
// that lost a race with another replica and conflict with what the
// upstream took meanwhile (internal/upstream, mergeMain), so they wait for
// review instead of stopping the branch. Nobody holds a token for it:
// maintainers revise it, or settle its conflicts when they merge. Its
// number is this repository's until the caller claims it; no Claimer
// runs, since the caller is the sync round that claims numbers.
func (s *Service) Propose(ctx context.Context, base, head store.Hash, title string) (*Proposal, error) {
	c, err := s.repo.Commit(ctx, head)
	if err != nil {
		return nil, err
	}
	changes, err := s.repo.DiffCommits(ctx, base, head)
	if err != nil {
		return nil, err
	}
	var page wikipath.Page
	for _, fc := range changes {
		if name, ok := wikipath.FromFile(strings.TrimPrefix(fc.Path, s.prefix())); ok {
			page = name
			break
		}
	}
	return s.record(ctx, head, &Proposal{Title: title, Page: page,
		Author: store.Signature{Name: c.Author.Name, Email: c.Author.Email}, Base: base.String()}, true)
}

// record takes the next free number for commit c, with its branch, and
// writes the record made of p (ID, Branch, Head, State and the times are
// filled in here). The number is taken and recorded in one turn on the
// records: Refresh reads the branches in its own turn, so it never finds
// the new branch without its record and adopts it as a pushed one. With
// reuse, an open proposal already at c is returned instead, so a caller
// that proposes the same commits again (a sync round that failed after
// proposing) does not make a second one.
func (s *Service) record(ctx context.Context, c store.Hash, p *Proposal, reuse bool) (*Proposal, error) {
	var prop *Proposal
	reused := false // an answer with nothing changed is final: update does not retry it
	err := s.update(ctx, func(rs *records) ([]int, []store.Hash, string, error) {
		if reuse && prop == nil {
			for _, q := range rs.byID {
				if q.State == Open && q.Head == c.String() {
					prop, reused = q, true
					return nil, nil, "", nil
				}
			}
		}
		if prop == nil {
			id, err := s.claimID(ctx, rs, c)
			if err != nil {
				return nil, nil, "", err
			}
			now := time.Now().UTC()
			prop = new(Proposal)
			*prop = *p
			prop.ID, prop.Branch, prop.Head, prop.State = id, BranchPrefix+strconv.Itoa(id), c.String(), Open
			prop.Created, prop.Updated = now, now
		}
		if _, taken := rs.byID[prop.ID]; taken {
			return nil, nil, "", fmt.Errorf("proposal %d was recorded meanwhile: %w", prop.ID, ErrBusy)
		}
		rs.byID[prop.ID] = prop
		return []int{prop.ID}, nil, fmt.Sprintf("Open proposal %d: %s", prop.ID, prop.Title), nil
	})
	if err != nil {
		if prop != nil && !reused {
			// Give the number back: a branch without a record would be
			// adopted later as somebody else's proposal.
			_ = s.repo.UpdateRef(context.WithoutCancel(ctx), prop.Branch, store.ZeroHash, c)
		}
		return nil, err
	}
	return prop, nil
}

// Claimer settles the number of a proposal just recorded beyond this
// repository, and returns the number it has then. The upstream sync
// (internal/upstream's Syncer.Claim) is one: it publishes the record with
// a compare-and-swap push of refs/meta/proposals, so replicas sharing an
// upstream never give one number to two proposals; a proposal whose
// number another replica took first moves to a free one.
type Claimer func(ctx context.Context, id int) int

// SetClaimer makes every new proposal settle its number with c before
// Open returns. Call it before the service is used.
func (s *Service) SetClaimer(c Claimer) { s.claim = c }

// settle runs the claimer on a new proposal and follows it to the number
// it ends with, found again by its private token.
func (s *Service) settle(ctx context.Context, prop *Proposal) *Proposal {
	if s.claim == nil {
		return prop
	}
	n := s.claim(ctx, prop.ID)
	if n == prop.ID {
		return prop
	}
	if p, err := s.Get(ctx, n); err == nil && p.TokenHash == prop.TokenHash {
		return p
	}
	moved := *prop
	moved.ID, moved.Branch = n, BranchPrefix+strconv.Itoa(n)
	return &moved
}

// claimID creates the branch of the next free number for commit, given
// the records rs. The branch is the claim: a ref created with
// compare-and-swap cannot be taken twice, by this process or another, so
// concurrent proposals get distinct numbers.
func (s *Service) claimID(ctx context.Context, rs *records, commit store.Hash) (int, error) {
	branches, err := s.repo.Refs(ctx, BranchPrefix)
	if err != nil {
		return 0, err
	}
	for next, tries := nextFree(rs, branches), 0; tries < maxClaims; next, tries = next+1, tries+1 {
		err := s.repo.UpdateRef(ctx, BranchPrefix+strconv.Itoa(next), commit, store.ZeroHash)
		if err == nil {
			return next, nil
		}
		if !errors.Is(err, store.ErrStale) && !errors.Is(err, store.ErrLocked) {
			return 0, err
		}
	}
	return 0, ErrBusy
}

// maxClaims bounds the numbers tried by one claim: each failure means
// another writer took that number a moment ago.
const maxClaims = 1000

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// Get finds one proposal, as the refs show it now (see current).
func (s *Service) Get(ctx context.Context, id int) (*Proposal, error) {
	rs, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	p, ok := rs.byID[id]
	if !ok {
		return nil, notFound(id)
	}
	return p, nil
}

// List returns every proposal, newest first, as the refs show them now.
func (s *Service) List(ctx context.Context) ([]*Proposal, error) {
	rs, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return rs.sorted(), nil
}

// refState is what the records are derived from: the proposal branches and
// the served branch's head, with a key that changes whenever they do.
type refState struct {
	branches map[string]store.Hash
	main     store.Hash
	key      string
}

func (s *Service) refState(ctx context.Context) (*refState, error) {
	branches, err := s.repo.Refs(ctx, BranchPrefix)
	if err != nil {
		return nil, err
	}
	main, err := s.repo.Head(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(branches))
	for ref, h := range branches {
		names = append(names, ref+"="+h.String())
	}
	sort.Strings(names)
	return &refState{branches: branches, main: main, key: main.String() + strings.Join(names, ",")}, nil
}

// current is the records with what Refresh would notice applied in memory:
// reads never write to git (a GET must not commit), yet show a merge made
// with plain git, or a pushed branch, at once. Refresh writes it down.
func (s *Service) current(ctx context.Context) (*records, error) {
	st, err := s.refState(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	key := st.key + rs.commit.String()
	s.mu.Lock()
	if s.view != nil && s.viewKey == key {
		v := s.view.clone()
		s.mu.Unlock()
		return v, nil
	}
	s.mu.Unlock()
	if _, _, _, err := s.notice(ctx, st)(rs); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.view, s.viewKey = rs.clone(), key
	s.mu.Unlock()
	return rs, nil
}

// Refresh writes down what the refs say of the records: a pushed
// proposals/* branch becomes a proposal, a branch that moved updates its
// record, and an open proposal whose head is in main is marked merged,
// whoever merged it and however. It runs after pushes and when the refs
// change on disk (Watch), never on a read.
func (s *Service) Refresh(ctx context.Context) error {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	// The refs are read in the records' turn, where every writer of this
	// process that moves a proposal branch together with its record holds
	// it: read before, they could be older than the records the change
	// applies to, and a branch just opened would be adopted as pushed.
	var seen string
	commit, err := s.updateAt(ctx, func(rs *records) ([]int, []store.Hash, string, error) {
		st, err := s.refState(ctx)
		if err != nil {
			return nil, nil, "", err
		}
		seen = st.key
		if st.key+rs.commit.String() == s.refreshed {
			return nil, nil, "", nil
		}
		return s.notice(ctx, st)(rs)
	})
	if err != nil {
		return err
	}
	s.refreshed = seen + commit.String()
	return nil
}

// Watch calls Refresh every interval until ctx ends, so changes made with
// plain git on disk are written down without waiting for a write; report
// hears of failures.
func (s *Service) Watch(ctx context.Context, every time.Duration, report func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.Refresh(ctx); err != nil && ctx.Err() == nil && report != nil {
			report(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// notice is the change that brings records in line with st.
func (s *Service) notice(ctx context.Context, st *refState) change {
	return func(rs *records) ([]int, []store.Hash, string, error) {
		var changed []int
		var notes []string
		byBranch := map[string]*Proposal{}
		for _, p := range rs.byID {
			byBranch[p.Branch] = p
		}
		for _, ref := range adoptionOrder(st.branches) {
			head := st.branches[ref]
			p, ok := byBranch[ref]
			if !ok {
				np, err := s.adopt(ctx, rs, ref, head, st.main, st.branches)
				if err != nil {
					return nil, nil, "", err
				}
				if np == nil {
					continue
				}
				changed = append(changed, np.ID)
				notes = append(notes, fmt.Sprintf("adopt pushed %s as proposal %d", strings.TrimPrefix(ref, "refs/heads/"), np.ID))
				continue
			}
			if p.State == Open && p.Head != head.String() {
				p.Head, p.Updated = head.String(), time.Now().UTC()
				changed = append(changed, p.ID)
				notes = append(notes, fmt.Sprintf("proposal %d moved to %s", p.ID, head.Short()))
			}
		}
		for _, p := range rs.byID {
			if p.State != Open {
				continue
			}
			if merged, err := s.repo.IsAncestor(ctx, p.HeadHash(), st.main); err == nil && merged {
				p.State, p.DecidedAt, p.DecidedBy, p.Updated = Merged, time.Now().UTC(), "git", time.Now().UTC()
				changed = append(changed, p.ID)
				notes = append(notes, fmt.Sprintf("proposal %d was merged with git", p.ID))
			}
		}
		return dedupe(changed), nil, "Notice changes made with git\n\n" + strings.Join(notes, "\n"), nil
	}
}

// adopt makes a record for a branch pushed with git. A numbered branch
// keeps its number; another name gets the next free one.
func (s *Service) adopt(ctx context.Context, rs *records, ref string, head, main store.Hash, branches map[string]store.Hash) (*Proposal, error) {
	c, err := s.repo.Commit(ctx, head)
	if err != nil {
		return nil, err
	}
	// A branch already in main when first seen was never a proposal to review.
	if in, _ := s.repo.IsAncestor(ctx, head, main); in {
		return nil, nil
	}
	id, err := strconv.Atoi(strings.TrimPrefix(ref, BranchPrefix))
	if _, taken := rs.byID[id]; err != nil || id <= 0 || taken {
		id = nextFree(rs, branches)
	}
	base, _ := s.repo.MergeBase(ctx, head, main)
	changes, _ := s.repo.DiffCommits(ctx, base, head)
	var page wikipath.Page
	for _, fc := range changes {
		if name, ok := wikipath.FromFile(strings.TrimPrefix(fc.Path, s.prefix())); ok {
			page = name
			break
		}
	}
	now := time.Now().UTC()
	p := &Proposal{
		ID: id, Branch: ref, Title: c.Subject(), Page: page,
		Author:  store.Signature{Name: c.Author.Name, Email: c.Author.Email},
		Created: now, Updated: now, State: Open, Base: base.String(), Head: head.String(), Pushed: true,
	}
	rs.byID[id] = p
	return p, nil
}

// adoptionOrder lists proposal branches so that numbers given to named
// branches never depend on map or ref-listing order: numbered branches
// first, ascending, so each keeps its own number, then named ones by name.
func adoptionOrder(branches map[string]store.Hash) []string {
	refs := make([]string, 0, len(branches))
	for ref := range branches {
		refs = append(refs, ref)
	}
	num := func(ref string) (int, bool) {
		n, err := strconv.Atoi(strings.TrimPrefix(ref, BranchPrefix))
		return n, err == nil && n > 0
	}
	sort.Slice(refs, func(i, j int) bool {
		a, aok := num(refs[i])
		b, bok := num(refs[j])
		switch {
		case aok && bok:
			return a < b
		case aok != bok:
			return aok
		}
		return refs[i] < refs[j]
	})
	return refs
}

// nextFree is one past the highest number held by a record or by a
// numbered branch, so a named branch never takes a number that a pushed
// proposals/N branch will claim.
func nextFree(rs *records, branches map[string]store.Hash) int {
	next := rs.maxID() + 1
	for name := range branches {
		if n, err := strconv.Atoi(strings.TrimPrefix(name, BranchPrefix)); err == nil && n >= next {
			next = n + 1
		}
	}
	return next
}

func (s *Service) prefix() string {
	if d := s.loader.Dir(); d != "" {
		return d + "/"
	}
	return ""
}

func dedupe(ids []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Revise adds a commit to an open proposal. The contributor proves it is
// theirs with the private token; maintainers may revise any proposal. The
// edit is merged three ways with the proposal's own newer commits.
func (s *Service) Revise(ctx context.Context, id int, token string, maintainer bool, p *pages.Prepared) (*pages.Result, error) {
	// A write: what the refs say is written down first, so the proposal
	// being revised has its record.
	if err := s.Refresh(ctx); err != nil {
		return nil, err
	}
	prop, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if prop.State != Open {
		return nil, fmt.Errorf("proposal %d is %s: %w", id, prop.State, ErrClosed)
	}
	if !maintainer && !prop.CheckToken(token) {
		return nil, ErrBadToken
	}
	res, err := s.pages.CommitTo(ctx, prop.Branch, p)
	if err != nil {
		return nil, err
	}
	if !res.NoChange {
		// A maintainer may have merged or rejected the proposal between the
		// check above and the commit: then the revision did not make it, and
		// the contributor must hear so rather than "saved".
		err = s.update(ctx, func(rs *records) ([]int, []store.Hash, string, error) {
			r, ok := rs.byID[id]
			if !ok {
				return nil, nil, "", notFound(id)
			}
			if r.State != Open {
				return nil, nil, "", fmt.Errorf("proposal %d was %s while you revised it: %w", id, r.State, ErrClosed)
			}
			r.Head, r.Updated = res.Commit.String(), time.Now().UTC()
			return []int{id}, nil, fmt.Sprintf("Revise proposal %d", id), nil
		})
	}
	return res, err
}

// MaxComment bounds a comment's length.
const MaxComment = 20000

// AddComment appends a comment to a proposal.
func (s *Service) AddComment(ctx context.Context, id int, c Comment) error {
	c.Text = strings.TrimSpace(strings.ReplaceAll(c.Text, "\r\n", "\n"))
	if c.Text == "" {
		return ErrEmptyText
	}
	if !utf8.ValidString(c.Text) || len(c.Text) > MaxComment || strings.ContainsRune(c.Text, 0) {
		return fmt.Errorf("the comment must be UTF-8 text of at most %d bytes: %w", MaxComment, ErrEmptyText)
	}
	c.Date = time.Now().UTC()
	if err := s.Refresh(ctx); err != nil {
		return err
	}
	return s.update(ctx, func(rs *records) ([]int, []store.Hash, string, error) {
		p, ok := rs.byID[id]
		if !ok {
			return nil, nil, "", notFound(id)
		}
		p.Comments = append(p.Comments, c)
		p.Updated = c.Date
		// A record past maxRecordBytes could no longer be read; JSON may
		// grow text sixfold ("<" becomes "\u003c"), so keep well below it.
		if b, err := json.Marshal(p); err != nil || len(b) > maxRecordBytes/2 {
			return nil, nil, "", fmt.Errorf("proposal %d has too many comments: %w", id, ErrEmptyText)
		}
		return []int{id}, nil, fmt.Sprintf("Comment on proposal %d by %s", id, c.Author), nil
	})
}

// Reject closes a proposal without merging it. Its branch is deleted, and
// the record commit takes the branch's head as a parent, so the proposed
// commits stay reachable and a clone still carries them.
func (s *Service) Reject(ctx context.Context, id int, by, reason string) error {
	if err := s.Refresh(ctx); err != nil {
		return err
	}
	var branch string
	var head store.Hash
	err := s.update(ctx, func(rs *records) ([]int, []store.Hash, string, error) {
		p, ok := rs.byID[id]
		if !ok {
			return nil, nil, "", notFound(id)
		}
		if p.State != Open {
			return nil, nil, "", fmt.Errorf("proposal %d is %s: %w", id, p.State, ErrClosed)
		}
		now := time.Now().UTC()
		p.State, p.DecidedBy, p.DecidedAt, p.Reason, p.Updated = Rejected, by, now, strings.TrimSpace(reason), now
		branch, head = p.Branch, p.HeadHash()
		return []int{id}, []store.Hash{head}, fmt.Sprintf("Reject proposal %d", id), nil
	})
	if err != nil {
		return err
	}
	if cur, err := s.repo.ResolveRef(ctx, branch); err == nil && cur == head {
		// Best effort: a branch pushed again since keeps its new commits.
		_ = s.repo.UpdateRef(ctx, branch, store.ZeroHash, head)
	}
	return nil
}

// MarkMerged records an open proposal as merged although its commits are
// not in the served branch: the upstream host merged it by squash or
// rebase, so its changes arrived as other commits. Like Reject, it keeps
// the proposal's commits reachable from the record and deletes its branch.
func (s *Service) MarkMerged(ctx context.Context, id int, by string) error {
	if err := s.Refresh(ctx); err != nil {
		return err
	}
	var branch string
	var head store.Hash
	err := s.update(ctx, func(rs *records) ([]int, []store.Hash, string, error) {
		p, ok := rs.byID[id]
		if !ok {
			return nil, nil, "", notFound(id)
		}
		if p.State != Open {
			return nil, nil, "", fmt.Errorf("proposal %d is %s: %w", id, p.State, ErrClosed)
		}
		now := time.Now().UTC()
		p.State, p.DecidedBy, p.DecidedAt, p.Updated = Merged, by, now, now
		branch, head = p.Branch, p.HeadHash()
		return []int{id}, []store.Hash{head}, fmt.Sprintf("Proposal %d was merged on the upstream host", id), nil
	})
	if err != nil {
		return err
	}
	if cur, err := s.repo.ResolveRef(ctx, branch); err == nil && cur == head {
		_ = s.repo.UpdateRef(ctx, branch, store.ZeroHash, head)
	}
	return nil
}

// Proposer is the service as pages.Save needs it.
func (s *Service) Proposer() pages.Proposer { return proposer{s} }

type proposer struct{ s *Service }

func (p proposer) Open(ctx context.Context, prep *pages.Prepared) (int, string, error) {
	prop, token, err := p.s.Open(ctx, prep)
	if err != nil {
		return 0, "", err
	}
	return prop.ID, token, nil
}

func (p proposer) OpenChange(ctx context.Context, base store.Hash, ch *pages.Change) (int, string, error) {
	prop, token, err := p.s.OpenChange(ctx, base, ch)
	if err != nil {
		return 0, "", err
	}
	return prop.ID, token, nil
}

func (p proposer) Head(ctx context.Context, id int) (store.Hash, error) {
	prop, err := p.s.Get(ctx, id)
	if err != nil {
		return store.ZeroHash, err
	}
	return prop.HeadHash(), nil
}

func (p proposer) Revise(ctx context.Context, id int, token string, maintainer bool, prep *pages.Prepared) (*pages.Result, error) {
	return p.s.Revise(ctx, id, token, maintainer, prep)
}
