// Package review runs proposals: an edit kept on its own branch,
// refs/heads/proposals/N, until a maintainer merges or rejects it. Each
// proposal's record (title, author, state, comments, decision) lives in git
// on refs/meta/proposals, one JSON file per proposal, so a clone carries the
// review history; the model is Gerrit's NoteDb.
package review

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Refs that hold proposals and their records.
const (
	MetaRef        = "refs/meta/proposals"
	BranchPrefix   = "refs/heads/proposals/"
	maxRecordBytes = 4 << 20
)

// State is where a proposal stands.
type State string

const (
	Open     State = "open"
	Merged   State = "merged"
	Rejected State = "rejected"
)

// Errors callers test with errors.Is. ErrNotFound is a store.ErrNotFound and
// ErrBusy is pages', so a missing proposal is missing like a missing page.
var (
	ErrNotFound  = fmt.Errorf("no such proposal: %w", store.ErrNotFound)
	ErrClosed    = errors.New("the proposal is closed")
	ErrBadToken  = errors.New("this link does not allow revising the proposal")
	ErrBusy      = pages.ErrBusy
	ErrEmptyText = errors.New("the comment is empty")
	ErrChanged   = errors.New("the proposal changed since it was reviewed")
)

// Comment is one remark on a proposal.
type Comment struct {
	Author     string    `json:"author"`
	Maintainer bool      `json:"maintainer,omitempty"`
	Account    bool      `json:"account,omitempty"` // written from an account`
	Date       time.Time `json:"date"`
	Text       string    `json:"text"`
}

// Proposal is a proposal's record.
type Proposal struct {
	ID        int             `json:"id"`
	Branch    string          `json:"branch"` // full ref name
	Title     string          `json:"title"`
	Page      wikipath.Page   `json:"page"`
	Author    store.Signature `json:"author"`
	Created   time.Time       `json:"created"`
	Updated   time.Time       `json:"updated"`
	State     State           `json:"state"`
	Base      string          `json:"base"`
	Head      string          `json:"head"` // the branch's last known commit
	TokenHash string          `json:"token_hash,omitempty"`
	DecidedBy string          `json:"decided_by,omitempty"`
	DecidedAt time.Time       `json:"decided_at,omitzero"`
	Reason    string          `json:"reason,omitempty"`
	MergedAs  string          `json:"merged_as,omitempty"` // the merge commit, when known
	Pushed    bool            `json:"pushed,omitempty"`    // arrived with git push, not the web
	Comments  []Comment       `json:"comments,omitempty"`
}

// HeadHash is the proposal's last known commit.
func (p *Proposal) HeadHash() store.Hash {
	h, _ := store.ParseHash(p.Head)
	return h
}

// BaseHash is the commit the proposal forked from.
func (p *Proposal) BaseHash() store.Hash {
	h, _ := store.ParseHash(p.Base)
	return h
}

// CheckToken reports whether token is this proposal's private revise token.
func (p *Proposal) CheckToken(token string) bool {
	if p.TokenHash == "" || token == "" {
		return false
	}
	sum := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(p.TokenHash)) == 1
}

func recordPath(id int) string { return strconv.Itoa(id) + ".json" }

// records is the parsed content of one commit of MetaRef.
type records struct {
	commit store.Hash // ZeroHash before the first record
	byID   map[int]*Proposal
}

func (rs *records) sorted() []*Proposal {
	out := make([]*Proposal, 0, len(rs.byID))
	for _, p := range rs.byID {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out
}

func (rs *records) maxID() int {
	n := 0
	for id := range rs.byID {
		n = max(n, id)
	}
	return n
}

// load reads the records at the current MetaRef, reusing the last parse
// when the ref has not moved.
func (s *Service) load(ctx context.Context) (*records, error) {
	h, err := s.repo.ResolveRef(ctx, MetaRef)
	if errors.Is(err, store.ErrNotFound) {
		return &records{byID: map[int]*Proposal{}}, nil
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	cached := s.cache
	s.mu.Unlock()
	if cached != nil && cached.commit == h {
		return cached.clone(), nil
	}
	tree, err := s.repo.Tree(ctx, h)
	if err != nil {
		return nil, err
	}
	rs := &records{commit: h, byID: map[int]*Proposal{}}
	for _, e := range tree.Entries() {
		id, err := strconv.Atoi(strings.TrimSuffix(e.Path, ".json"))
		if err != nil || !strings.HasSuffix(e.Path, ".json") {
			continue
		}
		b, err := s.repo.ReadBlob(ctx, e.Blob, maxRecordBytes)
		if err != nil && !errors.Is(err, store.ErrTooLarge) {
			return nil, err
		}
		var p Proposal
		if err != nil || json.Unmarshal(b, &p) != nil {
			// An oversized record must not take every proposal down with it.
			// A record broken by hand stays visible rather than vanishing.
			p = Proposal{Title: "(unreadable record " + e.Path + ")", State: Open}
		}
		p.ID = id
		rs.byID[id] = &p
	}
	s.mu.Lock()
	s.cache = rs
	s.mu.Unlock()
	return rs.clone(), nil
}

func (rs *records) clone() *records {
	out := &records{commit: rs.commit, byID: make(map[int]*Proposal, len(rs.byID))}
	for id, p := range rs.byID {
		cp := *p
		cp.Comments = append([]Comment(nil), p.Comments...)
		out.byID[id] = &cp
	}
	return out
}

// change is one update of the records: fn edits them and says which
// proposals changed, which commits the record commit must keep reachable,
// and the commit message.
type change func(rs *records) (changed []int, keep []store.Hash, msg string, err error)

// update applies fn to the newest records and publishes them with a
// compare-and-swap on MetaRef, retrying when another writer won.
func (s *Service) update(ctx context.Context, fn change) error {
	_, err := s.updateAt(ctx, fn)
	return err
}

// updateAt is update, returning the records commit it left MetaRef at.
func (s *Service) updateAt(ctx context.Context, fn change) (store.Hash, error) {
	done, err := s.repo.Turn(ctx, MetaRef)
	if err != nil {
		return store.ZeroHash, err
	}
	defer done()
	for attempt := 0; attempt < 20; attempt++ {
		rs, err := s.load(ctx)
		if err != nil {
			return store.ZeroHash, err
		}
		changed, keep, msg, err := fn(rs)
		if err != nil {
			return store.ZeroHash, err
		}
		if len(changed) == 0 {
			return rs.commit, nil
		}
		var writes []store.FileWrite
		for _, id := range changed {
			b, err := json.MarshalIndent(rs.byID[id], "", "  ")
			if err != nil {
				return store.ZeroHash, err
			}
			writes = append(writes, store.FileWrite{Path: recordPath(id), Content: append(b, '\n')})
		}
		now := time.Now()
		sig := s.committer
		sig.When = now
		c, err := s.repo.WriteCommit(ctx, rs.commit, writes, store.CommitInfo{Author: sig, Committer: sig, Message: msg + "\n", ExtraParents: keep})
		if err != nil {
			return store.ZeroHash, err
		}
		err = s.repo.UpdateRef(ctx, MetaRef, c, rs.commit)
		if errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrLocked) {
			time.Sleep(time.Duration(1+attempt*attempt) * time.Millisecond)
			continue
		}
		if err != nil {
			return store.ZeroHash, err
		}
		return c, nil
	}
	return store.ZeroHash, ErrBusy
}

func notFound(id int) error { return fmt.Errorf("proposal %d: %w", id, ErrNotFound) }
