package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/remote"
)

// maxRecordBytes matches what review reads.
const maxRecordBytes = 4 << 20

// recordSet is the proposal records of one commit of refs/meta/proposals.
type recordSet struct {
	raw      map[string][]byte // file → content, every file of the tree
	byID     map[int]*review.Proposal
	byBranch map[string]*review.Proposal
}

func (s *Syncer) records(ctx context.Context) (*recordSet, error) {
	h, err := s.resolve(ctx, remote.MetaRef)
	if err != nil {
		return nil, err
	}
	return readRecords(ctx, s.cfg.Repo, h)
}

func readRecords(ctx context.Context, repo *store.Repo, commit store.Hash) (*recordSet, error) {
	rs := &recordSet{raw: map[string][]byte{}, byID: map[int]*review.Proposal{}, byBranch: map[string]*review.Proposal{}}
	if commit.IsZero() {
		return rs, nil
	}
	tree, err := repo.Tree(ctx, commit)
	if err != nil {
		return nil, err
	}
	for _, e := range tree.Entries() {
		b, err := repo.ReadBlob(ctx, e.Blob, maxRecordBytes)
		if err != nil && !errors.Is(err, store.ErrTooLarge) {
			return nil, err
		}
		rs.raw[e.Path] = b
		id, ok := recordID(e.Path)
		if !ok {
			continue
		}
		var p review.Proposal
		if json.Unmarshal(b, &p) != nil {
			continue
		}
		p.ID = id
		rs.byID[id] = &p
		if p.Branch != "" {
			rs.byBranch[p.Branch] = &p
		}
	}
	return rs, nil
}

func recordID(path string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(path, ".json"))
	return n, err == nil && n > 0 && strings.HasSuffix(path, ".json") && !strings.Contains(path, "/")
}

func recordPath(id int) string { return strconv.Itoa(id) + ".json" }

// renumber is a proposal of ours moved to a free number because the
// upstream's records gave its number to another replica's proposal first.
type renumber struct {
	from, to int
	head     store.Hash
}

// mergeRecords merges the upstream's records into ours, file by file:
// a record one side changed is taken from it, one both changed is merged
// field by field (mergeRecord), and a number both sides gave to different
// proposals stays the upstream's, since it reached the upstream first,
// while ours moves to a free number.
func (s *Syncer) mergeRecords(ctx context.Context, base, ours, theirs store.Hash, taken func(int) bool) ([]store.FileWrite, []renumber, error) {
	var sets [3]*recordSet
	for i, c := range []store.Hash{base, ours, theirs} {
		rs, err := readRecords(ctx, s.cfg.Repo, c)
		if err != nil {
			return nil, nil, err
		}
		sets[i] = rs
	}
	b, o, t := sets[0], sets[1], sets[2]
	files := map[string]bool{}
	for _, rs := range sets {
		for f := range rs.raw {
			files[f] = true
		}
	}
	next := 0
	free := func() int {
		for next = max(next, maxID(o, t)+1); taken(next); next++ {
		}
		n := next
		next++
		return n
	}
	var writes []store.FileWrite
	var moves []renumber
	for _, f := range sortedKeys(files) {
		bv, inB := b.raw[f]
		ov, inO := o.raw[f]
		tv, inT := t.raw[f]
		switch {
		case inO == inT && bytes.Equal(ov, tv):
		case inO == inB && bytes.Equal(ov, bv):
			writes = append(writes, fileWrite(f, tv, inT))
		case inT == inB && bytes.Equal(tv, bv):
		default:
			w, mv, err := s.mergeBoth(ctx, f, b, o, t, free)
			if err != nil {
				return nil, nil, err
			}
			writes = append(writes, w...)
			moves = append(moves, mv...)
		}
	}
	return writes, moves, nil
}

// mergeBoth merges a file both sides changed.
func (s *Syncer) mergeBoth(ctx context.Context, f string, b, o, t *recordSet, free func() int) ([]store.FileWrite, []renumber, error) {
	id, isRecord := recordID(f)
	op, okO := o.byID[id]
	tp, okT := t.byID[id]
	if !isRecord || !okO || !okT {
		// Not a record, or an unreadable one: ours stays, as review would
		// show it; a person can mend it with git.
		return nil, nil, nil
	}
	bp, okB := b.byID[id]
	if !okB {
		same, err := s.sameProposal(ctx, op, tp)
		if err != nil {
			return nil, nil, err
		}
		if !same {
			to := free()
			moved := *op
			moved.ID, moved.Branch = to, remote.ProposalPrefix+strconv.Itoa(to)
			out, err := encodeRecord(&moved)
			if err != nil {
				return nil, nil, err
			}
			return []store.FileWrite{fileWrite(f, t.raw[f], true), fileWrite(recordPath(to), out, true)},
				[]renumber{{from: id, to: to, head: op.HeadHash()}}, nil
		}
		bp = &review.Proposal{}
	}
	merged, err := s.mergeRecord(ctx, bp, op, tp)
	if err != nil {
		return nil, nil, err
	}
	out, err := encodeRecord(merged)
	if err != nil {
		return nil, nil, err
	}
	return []store.FileWrite{fileWrite(f, out, true)}, nil, nil
}

// sameProposal tells two records of one number made on two replicas apart
// from two proposals that took the same number: the same one names the
// same branch and one head descends from the other (both replicas adopted
// one branch pushed to the host, or one revised what the other made).
func (s *Syncer) sameProposal(ctx context.Context, a, b *review.Proposal) (bool, error) {
	if a.Branch != b.Branch {
		return false, nil
	}
	ha, hb := a.HeadHash(), b.HeadHash()
	if ha == hb {
		return true, nil
	}
	if a.TokenHash != "" || b.TokenHash != "" {
		// Made on the web: the private token tells one proposal from another.
		return a.TokenHash == b.TokenHash, nil
	}
	if ha.IsZero() || hb.IsZero() {
		return false, nil
	}
	return s.related(ctx, ha, hb)
}

// related reports whether one commit descends from the other. A record
// can arrive before the branch it names (the records are pushed first, to
// claim the number), so a commit not here yet relates to nothing.
func (s *Syncer) related(ctx context.Context, a, b store.Hash) (bool, error) {
	for _, pair := range [][2]store.Hash{{a, b}, {b, a}} {
		ok, err := s.cfg.Repo.IsAncestor(ctx, pair[0], pair[1])
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// mergeRecord merges one proposal's record changed on both sides: the
// comments of both, the decision of the side that decided (merged beats
// rejected, which beats open), the head that descends from the other, and
// for every other field the side that changed it, or the later one.
func (s *Syncer) mergeRecord(ctx context.Context, b, o, t *review.Proposal) (*review.Proposal, error) {
	out := *o
	newer := t.Updated.After(o.Updated)
	pick := func(bv, ov, tv any) bool { // true: take theirs
		switch {
		case equalJSON(ov, tv):
			return false
		case equalJSON(ov, bv):
			return true // only theirs changed it
		case equalJSON(tv, bv):
			return false
		}
		return newer
	}
	if pick(b.Title, o.Title, t.Title) {
		out.Title = t.Title
	}
	if pick(b.Page, o.Page, t.Page) {
		out.Page = t.Page
	}
	if pick(b.Base, o.Base, t.Base) {
		out.Base = t.Base
	}
	if pick(b.TokenHash, o.TokenHash, t.TokenHash) {
		out.TokenHash = t.TokenHash
	}
	if pick(b.Author, o.Author, t.Author) {
		out.Author = t.Author
	}
	out.Pushed = o.Pushed && t.Pushed
	if t.Created.Before(o.Created) && !t.Created.IsZero() {
		out.Created = t.Created
	}
	if newer {
		out.Updated = t.Updated
	}
	head, err := s.laterHead(ctx, o, t, newer)
	if err != nil {
		return nil, err
	}
	out.Head = head
	if rank(t.State) > rank(o.State) || (rank(t.State) == rank(o.State) && t.State != review.Open && newer) {
		out.State, out.DecidedBy, out.DecidedAt, out.Reason, out.MergedAs = t.State, t.DecidedBy, t.DecidedAt, t.Reason, t.MergedAs
	}
	out.Comments = unionComments(o.Comments, t.Comments)
	return &out, nil
}

func rank(st review.State) int {
	switch st {
	case review.Merged:
		return 2
	case review.Rejected:
		return 1
	}
	return 0
}

func (s *Syncer) laterHead(ctx context.Context, o, t *review.Proposal, newer bool) (string, error) {
	ho, ht := o.HeadHash(), t.HeadHash()
	switch {
	case ho == ht || ht.IsZero():
		return o.Head, nil
	case ho.IsZero():
		return t.Head, nil
	}
	for _, pair := range [][2]store.Hash{{ho, ht}, {ht, ho}} {
		ok, err := s.cfg.Repo.IsAncestor(ctx, pair[0], pair[1])
		if errors.Is(err, store.ErrNotFound) {
			break // not here yet: the later record decides
		}
		if err != nil {
			return "", err
		}
		if ok {
			return pair[1].String(), nil
		}
	}
	if newer {
		return t.Head, nil
	}
	return o.Head, nil
}

func unionComments(a, b []review.Comment) []review.Comment {
	seen := map[string]bool{}
	var out []review.Comment
	for _, c := range append(append([]review.Comment(nil), a...), b...) {
		k := c.Author + "\x00" + c.Date.UTC().Format(time.RFC3339Nano) + "\x00" + c.Text
		if !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// encodeRecord writes a record as review does.
func encodeRecord(p *review.Proposal) ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode record %d: %w", p.ID, err)
	}
	return append(b, '\n'), nil
}

func fileWrite(path string, content []byte, present bool) store.FileWrite {
	if !present {
		return store.FileWrite{Path: path, Delete: true}
	}
	return store.FileWrite{Path: path, Content: content}
}

func maxID(sets ...*recordSet) int {
	n := 0
	for _, rs := range sets {
		for id := range rs.byID {
			n = max(n, id)
		}
		for f := range rs.raw {
			if id, ok := recordID(f); ok {
				n = max(n, id)
			}
		}
	}
	return n
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
