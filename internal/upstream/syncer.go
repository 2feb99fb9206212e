// Package upstream keeps the wiki's repository and an upstream git
// repository in step, so that a wiki can live on a git host (Forgejo,
// Gitea, GitLab, GitHub) and several wiki servers, each with its own
// repository, can share one upstream and converge.
//
// The state of the sync is refs, nothing else: refs/upstream/... hold what
// the upstream had when last seen (internal/store/remote), so what the
// upstream lacks is what the wiki's refs have beyond them. A restart
// resumes where the refs say, and an unreachable upstream only delays
// pushes: edits keep landing on the wiki's own branch meanwhile.
//
// Each round fetches, reconciles and pushes:
//   - the served branch: fast-forwarded when only the upstream moved,
//     merged with a two-parent merge commit when both moved and the merge
//     is clean, pushed when only the wiki moved; when the merge conflicts
//     and the wiki's side is its own edits (a race lost to another
//     replica), they become a proposal and the branch follows the
//     upstream's; when a person's commit is among them, the syncer says so
//     (Diverged, State) and waits for a person to reconcile, then resumes
//     by itself;
//   - the proposal records (refs/meta/proposals), merged record by record;
//     a proposal number taken on two replicas at once is given to the one
//     whose records reached the upstream first, and the other is renumbered;
//   - the proposal branches (refs/heads/proposals/N): new ones from the
//     host become proposals, revisions move them, and a branch deleted on
//     the host without being merged closes its proposal.
package upstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/remote"
)

// Review is what the syncer needs from the proposals service;
// *review.Service has both methods.
type Review interface {
	// Refresh makes records for proposal branches that arrived without
	// one and marks proposals merged whose head is in the served branch.
	Refresh(ctx context.Context) error
	// Reject closes an open proposal, keeping its commits reachable.
	Reject(ctx context.Context, id int, by, reason string) error
}

// Config wires a Syncer.
type Config struct {
	Repo   *store.Repo
	Remote *remote.Remote
	// Review, when set, syncs proposals and their records too; without
	// it only the served branch is synced.
	Review Review
	// Committer signs the merge commits the syncer makes.
	Committer store.Signature
	// FetchEvery is the interval between rounds (default 60 s).
	FetchEvery time.Duration
	// MaxBackoff bounds the wait between failed rounds (default
	// FetchEvery).
	MaxBackoff time.Duration
	// RoundTimeout bounds one round, so a connection that hangs cannot
	// stop the sync (default 10 minutes, room for a first fetch of a
	// large wiki).
	RoundTimeout time.Duration
	// GitURL is this wiki's clone address, for the commands that tell a
	// maintainer how to reconcile a conflict (default http://HOST/-/git).
	GitURL string
	Logger *slog.Logger
}

// Syncer runs the rounds. Its methods are safe for concurrent use; rounds
// run one at a time.
type Syncer struct {
	cfg      Config
	branch   string
	round    chan struct{} // held by the round under way
	kick     chan struct{}
	diverged atomic.Bool
	// due and running make State.Syncing: a round is asked for (due, from
	// Kick until that round starts) or under way. Between a write and the
	// end of the round that pushes it, the counts of the last round are
	// stale, and a watcher must not take them for "in step".
	due, running atomic.Bool

	mu     sync.Mutex
	state  State
	gitURL string // Config.GitURL, or what SetGitURL says
	// lastMerge remembers the conflicting pair last tried, so a round
	// that finds nothing new does not redo the merge.
	lastMerge [2]store.Hash
}

// New checks cfg and returns a Syncer; call Run to start it.
func New(cfg Config) (*Syncer, error) {
	if cfg.Repo == nil || cfg.Remote == nil {
		return nil, errors.New("upstream: a repository and a remote are needed")
	}
	if cfg.FetchEvery <= 0 {
		cfg.FetchEvery = 60 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = cfg.FetchEvery
	}
	if cfg.RoundTimeout <= 0 {
		cfg.RoundTimeout = 10 * time.Minute
	}
	if cfg.GitURL == "" {
		cfg.GitURL = "http://HOST/-/git"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Committer.Name == "" {
		cfg.Committer = store.Signature{Name: "gitwiki", Email: "gitwiki@invalid"}
	}
	s := &Syncer{cfg: cfg, branch: cfg.Repo.Branch(), kick: make(chan struct{}, 1), round: make(chan struct{}, 1)}
	s.state.Upstream = StatusUnknown
	s.gitURL = cfg.GitURL
	return s, nil
}

// SetGitURL changes the wiki's clone address in the commands State gives
// (Config.GitURL), once the server knows where it listens.
func (s *Syncer) SetGitURL(u string) {
	s.mu.Lock()
	s.gitURL = u
	s.mu.Unlock()
}

// Kick asks for a round soon: after a local write (to push it) or when a
// webhook says the upstream moved (to fetch). It never blocks. After a
// failure the next round still waits out its backoff.
func (s *Syncer) Kick() {
	s.due.Store(true)
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Diverged reports that the served branch and the upstream's conflict, so
// edits must become proposals rather than commits on the branch until a
// person reconciles them (State says what conflicts and how).
func (s *Syncer) Diverged() bool { return s.diverged.Load() }

// Run does a round at once, then one every FetchEvery and on each Kick,
// until ctx ends. After a failure it waits out a backoff instead, kicks
// or not: the refs keep what is to be pushed, so nothing waits in memory.
func (s *Syncer) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-s.kick:
			if failures > 0 {
				continue
			}
		}
		err := s.Sync(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := s.cfg.FetchEvery
		if err != nil {
			failures++
			wait = backoff(failures, s.cfg.MaxBackoff)
		} else {
			failures = 0
		}
		timer.Reset(wait)
	}
}

// backoff doubles from a second up to max, with a fifth of jitter so that
// replicas which failed together do not retry together.
func backoff(failures int, max time.Duration) time.Duration {
	d := time.Second << min(failures-1, 20)
	if d > max || d <= 0 {
		d = max
	}
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}

// Sync is one round: fetch and reconcile, then push what the upstream
// lacks. A push that loses a race with another replica fetches again, a
// few times, so one round usually ends in step.
func (s *Syncer) Sync(ctx context.Context) error {
	ctx, unlock, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for attempt := 0; attempt < 3; attempt++ {
		if err = s.fetch(ctx); err != nil {
			break
		}
		var raced bool
		raced, err = s.push(ctx)
		if err != nil || !raced {
			break
		}
	}
	s.finish(ctx, err)
	return err
}

// Fetch fetches and reconciles without pushing.
func (s *Syncer) Fetch(ctx context.Context) error {
	ctx, unlock, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	err = s.fetch(ctx)
	s.finish(ctx, err)
	return err
}

// Push pushes what the upstream lacks, as the refs say, without fetching
// first; a push that lost a race is left for the next round.
func (s *Syncer) Push(ctx context.Context) error {
	ctx, unlock, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = s.push(ctx)
	s.finish(ctx, err)
	return err
}

// lock waits for the round under way, or for ctx to end, and bounds the
// new round; unlock ends it.
func (s *Syncer) lock(ctx context.Context) (context.Context, func(), error) {
	select {
	case s.round <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	// Running before due is cleared, so that Syncing has no gap; a Kick
	// from here on asks for the next round.
	s.running.Store(true)
	s.due.Store(false)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RoundTimeout)
	return ctx, func() { cancel(); s.running.Store(false); <-s.round }, nil
}

func (s *Syncer) fetch(ctx context.Context) error {
	res, err := s.cfg.Remote.Fetch(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.state.LastFetch = time.Now().UTC()
	s.mu.Unlock()
	if err := s.sameHistory(ctx, res); err != nil {
		return err
	}
	if err := s.reconcileMain(ctx, res); err != nil {
		return fmt.Errorf("reconcile %s: %w", s.branch, err)
	}
	if s.cfg.Review == nil {
		return s.forgetGone(ctx, res)
	}
	if err := s.reconcileProposals(ctx, res); err != nil {
		return fmt.Errorf("reconcile proposals: %w", err)
	}
	return nil
}

// ErrUnrelated: the upstream's served branch shares no history with the
// wiki's, so it is most likely another repository; nothing is synced.
var ErrUnrelated = fmt.Errorf("%w: the upstream's branch shares no history with the wiki's; check --upstream, or start the wiki from an empty repository to take the upstream's content", remote.ErrConfig)

// sameHistory refuses an upstream whose served branch has no commit in
// common with the wiki's: merging two unrelated wikis is never what was
// meant, and a wrong address must not close every proposal.
func (s *Syncer) sameHistory(ctx context.Context, res *remote.FetchResult) error {
	up := res.Upstream["refs/heads/"+s.branch]
	local, err := s.resolve(ctx, "refs/heads/"+s.branch)
	if err != nil || up.IsZero() || local.IsZero() || up == local {
		return err
	}
	base, err := s.cfg.Repo.MergeBase(ctx, local, up)
	if err != nil {
		return err
	}
	if base.IsZero() {
		return ErrUnrelated
	}
	return nil
}

// forgetGone drops the tracking refs of refs the upstream no longer has,
// without acting on them: the served branch and the records are pushed
// again, proposal branches are left to review (reconcileProposals).
func (s *Syncer) forgetGone(ctx context.Context, res *remote.FetchResult) error {
	for _, g := range res.Gone {
		if err := s.cfg.Remote.Forget(ctx, g.Name, g.Old); err != nil {
			return err
		}
	}
	return nil
}

// unreachable reports errors that mean the upstream could not be used,
// as opposed to a fault here.
func unreachable(err error) bool {
	for _, e := range []error{remote.ErrUnreachable, remote.ErrAuth, remote.ErrHostKey, remote.ErrNoRepo, remote.ErrConfig} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
