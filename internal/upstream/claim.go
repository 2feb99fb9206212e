package upstream

import (
	"context"

	"github.com/gitwiki/gitwiki/internal/review"
)

// Claim publishes a proposal just opened here and returns its number as
// the upstream settled it. review calls it right after writing the
// record of proposal id (README.md, "Proposal numbers", says the same to
// operators):
//
// A number is taken by a compare-and-swap push of refs/meta/proposals:
// the push names the records commit the upstream held when this wiki
// last fetched, and the upstream refuses it if another replica pushed
// records meanwhile. Then this wiki fetches, merges the records, and
// pushes again. If the other replica's records hold the same number for
// another proposal, theirs reached the upstream first and keep it; this
// proposal moves to the next number free on both sides, branch and
// record. The proposal branch is pushed only once its record is on the
// upstream, so a branch proposals/N on the upstream always belongs to the
// record N there.
//
// When the upstream cannot be reached the number stays provisional: the
// proposal is saved here and is claimed by the next round that gets
// through, renumbered then if need be. Claim cannot fail: the proposal is
// saved here whatever happens, and the number returned is its number now.
// Give it a context that ends within seconds; a claim cut short finishes
// in the next round. While the last round could not reach the upstream,
// Claim does not try again (the contributor would wait for nothing): it
// asks for a round and returns the provisional number at once.
func (s *Syncer) Claim(ctx context.Context, id int) int {
	if s.cfg.Review == nil {
		return id
	}
	if s.State().Upstream == StatusUnreachable {
		s.Kick()
		return id
	}
	recs, err := s.records(ctx)
	if err != nil {
		return id
	}
	mine, ok := recs.byID[id]
	if !ok {
		return id
	}
	err = s.Sync(ctx)
	if recs, rerr := s.records(ctx); rerr == nil {
		for n, p := range recs.byID {
			if sameRecord(mine, p) {
				id = n
				break
			}
		}
	}
	if err != nil {
		s.cfg.Logger.Info("proposal number is provisional until the upstream is reached", "proposal", id)
	}
	return id
}

// sameRecord finds a proposal again after a renumbering: by its private
// token, which no other proposal has, else by its head and creation time.
func sameRecord(a, b *review.Proposal) bool {
	if a.TokenHash != "" {
		return a.TokenHash == b.TokenHash
	}
	return a.Head == b.Head && a.Created.Equal(b.Created)
}
