package upstream

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/remote"
)

// Values of State.Upstream.
const (
	StatusUnknown     = "unknown" // no round has finished yet
	StatusOK          = "ok"
	StatusBehind      = "behind"   // the upstream has commits the wiki has not taken yet
	StatusAhead       = "ahead"    // the wiki has commits the upstream lacks (pushes queued)
	StatusDiverged    = "diverged" // both moved and the merge conflicts: a person must reconcile
	StatusUnreachable = "unreachable"
)

// State is the sync as /-/health reports it, and what a banner tells
// maintainers while the wiki is diverged. Errors in it are scrubbed of
// credentials.
type State struct {
	Upstream  string `json:"upstream"`
	Behind    int    `json:"behind"`
	Ahead     int    `json:"ahead"`
	LastError string `json:"last_error,omitempty"`
	// Problem sorts LastError into a word a health check can act on
	// (ProblemAuth, ...), "" when the last round went through.
	Problem   string    `json:"problem,omitempty"`
	LastFetch time.Time `json:"last_fetch,omitzero"`
	LastPush  time.Time `json:"last_push,omitzero"`
	// Pending lists the refs the upstream lacks, waiting to be pushed, as
	// the last round left them.
	Pending []string `json:"pending,omitempty"`
	// Syncing: a round is under way or asked for (after a write or a
	// webhook), so the counts above may be about to change. The wiki is
	// in step with its upstream when Upstream is "ok" and Syncing false.
	Syncing bool `json:"syncing,omitempty"`
	// Conflicts lists the files the served branch and the upstream's both
	// changed in overlapping ways, while diverged.
	Conflicts []string `json:"conflicts,omitempty"`
	// Resolve is the exact shell commands that reconcile them (State
	// writes them with the wiki's clone address as it is then).
	Resolve []string `json:"resolve,omitempty"`
	// ProposalConflicts lists proposal branches that moved both here and
	// on the upstream and do not merge; they are left as they are here.
	ProposalConflicts []string `json:"proposal_conflicts,omitempty"`
}

// Values of State.Problem.
const (
	ProblemUnreachable = "unreachable" // no answer, or a server error: retried with backoff
	ProblemAuth        = "auth"        // the token or SSH key was refused
	ProblemHostKey     = "host_key"    // the SSH host key is not the one known_hosts lists
	ProblemNoRepo      = "no_repository"
	ProblemUnrelated   = "unrelated" // the upstream's branch shares no history with the wiki's
	ProblemConfig      = "config"
	ProblemRejected    = "rejected" // the upstream refused a push (a protected branch, a hook)
	ProblemBadObject   = "bad_object"
	ProblemLocal       = "local" // a fault in this wiki's repository; see the log
)

// problem sorts a round's error for State.Problem, most specific first.
func problem(err error) string {
	for _, p := range []struct {
		err  error
		word string
	}{
		{ErrUnrelated, ProblemUnrelated},
		{remote.ErrHostKey, ProblemHostKey},
		{remote.ErrAuth, ProblemAuth},
		{remote.ErrNoRepo, ProblemNoRepo},
		{remote.ErrConfig, ProblemConfig},
		{remote.ErrBadObject, ProblemBadObject},
		{remote.ErrRejected, ProblemRejected},
		{remote.ErrUnreachable, ProblemUnreachable},
		{context.DeadlineExceeded, ProblemUnreachable},
	} {
		if errors.Is(err, p.err) {
			return p.word
		}
	}
	return ProblemLocal
}

// State is a copy of the current state.
func (s *Syncer) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state
	st.Syncing = s.due.Load() || s.running.Load()
	st.Pending = append([]string(nil), st.Pending...)
	st.Conflicts = append([]string(nil), st.Conflicts...)
	if len(st.Conflicts) > 0 {
		st.Resolve = resolveCommands(s.cfg.Remote.URL(), s.gitURL, s.branch, st.Conflicts)
	}
	st.ProposalConflicts = append([]string(nil), st.ProposalConflicts...)
	return st
}

// finish updates the state after a round: the counts, the pending refs
// and the status that sums them up.
func (s *Syncer) finish(ctx context.Context, err error) {
	ahead, behind := s.counts(ctx)
	pending := s.pendingRefs(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	was := s.state.Upstream
	s.state.Ahead, s.state.Behind, s.state.Pending = ahead, behind, pending
	s.state.LastError, s.state.Problem = "", ""
	if err != nil && !errors.Is(err, context.Canceled) {
		s.state.LastError, s.state.Problem = err.Error(), problem(err)
	}
	switch {
	case err != nil && unreachable(err):
		s.state.Upstream = StatusUnreachable
	case s.diverged.Load():
		s.state.Upstream = StatusDiverged
	case behind > 0:
		s.state.Upstream = StatusBehind
	case ahead > 0 || len(pending) > 0:
		s.state.Upstream = StatusAhead
	default:
		s.state.Upstream = StatusOK
	}
	if was != s.state.Upstream {
		s.cfg.Logger.Info("upstream", "state", s.state.Upstream, "was", was, "upstream_url", s.cfg.Remote.URL(),
			"ahead", ahead, "behind", behind, "error", s.state.LastError)
	} else if err != nil {
		s.cfg.Logger.Debug("upstream round failed", "error", s.state.LastError)
	}
}

// counts compares the served branch with the upstream's as last seen.
func (s *Syncer) counts(ctx context.Context) (ahead, behind int) {
	l, _ := s.cfg.Repo.ResolveRef(ctx, "refs/heads/"+s.branch)
	u, _ := s.cfg.Repo.ResolveRef(ctx, remote.Tracking("refs/heads/"+s.branch))
	if l == u {
		return 0, 0
	}
	ahead, _ = s.cfg.Remote.Count(ctx, l, u)
	behind, _ = s.cfg.Remote.Count(ctx, u, l)
	return ahead, behind
}

// pendingRefs lists the refs whose local value the upstream lacks.
func (s *Syncer) pendingRefs(ctx context.Context) []string {
	cmds, _, err := s.plan(ctx)
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range cmds {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}

// setDiverged enters or leaves the diverged state.
func (s *Syncer) setDiverged(on bool, conflicts []string, local, up store.Hash) {
	was := s.diverged.Swap(on)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !on {
		s.state.Conflicts = nil
		s.lastMerge = [2]store.Hash{}
		if was {
			s.cfg.Logger.Info("upstream reconciled: edits go to the served branch again", "branch", s.branch)
		}
		return
	}
	s.state.Conflicts = conflicts
	s.lastMerge = [2]store.Hash{local, up}
	if !was {
		s.cfg.Logger.Warn("upstream diverged: edits become proposals until a maintainer reconciles",
			"branch", s.branch, "local", local.Short(), "upstream", up.Short(), "conflicts", len(conflicts))
	}
}
