package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gitwiki/gitwiki/internal/config"
	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/remote"
	"github.com/gitwiki/gitwiki/internal/store/smarthttp"
	"github.com/gitwiki/gitwiki/internal/upstream"
)

// Secrets come from the environment only: never a flag (other users of
// the machine can read a process's arguments), never the config file.
const (
	envUpstreamToken = "GITWIKI_UPSTREAM_TOKEN"
	envWebhookSecret = "GITWIKI_WEBHOOK_SECRET"
	envSSHPassphrase = "GITWIKI_SSH_KEY_PASSPHRASE"
)

// How long a new proposal waits for its number to be settled on the
// upstream before it keeps its provisional one (the next round settles
// it), and how long the first start may take to copy the upstream.
const (
	claimWait = 10 * time.Second
	firstWait = 10 * time.Minute
	lastPush  = 5 * time.Second
)

// remoteOptions are the upstream's address and credentials.
func remoteOptions(c config.Config) remote.Options {
	return remote.Options{
		URL:              c.Upstream,
		Token:            os.Getenv(envUpstreamToken),
		SSHKeyFile:       c.SSHKey,
		SSHKeyPassphrase: os.Getenv(envSSHPassphrase),
		KnownHostsFile:   c.KnownHosts,
		CheckObject:      smarthttp.CheckObject,
	}
}

// gitURL is this wiki's clone address, for the commands the banner gives
// a maintainer.
func gitURL(c config.Config) string {
	if c.BaseURL != "" {
		return c.BaseURL + "/-/git"
	}
	return "http://" + c.Addr + "/-/git"
}

// newSyncer connects the wiki to its upstream: proposals settle their
// numbers there, edits are held as proposals while the branch and the
// upstream's conflict, and rounds run until ctx ends (a.stopSync waits).
func (a *app) newSyncer(ctx context.Context, pg *pages.Service, rv *review.Service, log *slog.Logger) (*upstream.Syncer, *upstream.Hooks, error) {
	c := a.c
	rem, err := remote.New(a.repo, remoteOptions(c))
	if err != nil {
		return nil, nil, fmt.Errorf("upstream: %w", err)
	}
	sy, err := upstream.New(upstream.Config{Repo: a.repo, Remote: rem, Review: rv, Committer: wikiCommitter,
		FetchEvery: c.FetchEvery, GitURL: gitURL(c), Logger: log})
	if err != nil {
		return nil, nil, err
	}
	pg.SetHold(sy.Diverged)
	rv.SetClaimer(func(ctx context.Context, id int) int {
		ctx, cancel := context.WithTimeout(ctx, claimWait)
		defer cancel()
		return sy.Claim(ctx, id)
	})
	var hooks *upstream.Hooks
	if secret := os.Getenv(envWebhookSecret); secret != "" {
		hooks = upstream.NewHooks(secret, 0)
	}
	a.sync = sy
	done := make(chan struct{})
	go func() {
		defer close(done)
		sy.Run(ctx)
	}()
	a.stopSync = func() {
		<-done
		a.pushLast(sy, log)
	}
	log.Info("upstream", "url", rem.URL(), "fetch_every", c.FetchEvery.String(), "webhooks", hooks != nil)
	return sy, hooks, nil
}

// pushLast tries once more, briefly, to push what waits when the server
// stops, so a replica taken down does not keep edits the others lack. The
// refs keep them anyway: the next start pushes them.
func (a *app) pushLast(sy *upstream.Syncer, log *slog.Logger) {
	st := sy.State()
	if len(st.Pending) == 0 || st.Upstream == upstream.StatusUnreachable {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), lastPush)
	defer cancel()
	if err := sy.Push(ctx); err != nil {
		log.Info("pushes wait for the next start", "pending", len(st.Pending), "err", err)
	}
}

// errFirstStart explains why a wiki with an upstream and no repository
// yet cannot start.
var errFirstStart = errors.New("the first start with --upstream copies the upstream, which could not be done")

// fromUpstream makes the wiki's repository when it does not exist yet and
// an upstream is set: a copy of the upstream's branch, proposals and
// records, or, when the upstream is empty, the starter wiki pushed there.
// Replicas started together on an empty upstream settle on one starter
// commit: a replica that loses the race to push its own starts again from
// the winner's. Nothing is left behind on failure, so the next start tries
// afresh.
func fromUpstream(ctx context.Context, c config.Config, branch string, log *slog.Logger) (*store.Repo, error) {
	ctx, cancel := context.WithTimeout(ctx, firstWait)
	defer cancel()
	if err := os.MkdirAll(filepath.Dir(c.Repo), 0o750); err != nil {
		return nil, err
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var r *store.Repo
		r, err = copyUpstream(ctx, c, branch, log)
		if err == nil {
			return r, nil
		}
		os.RemoveAll(c.Repo)
		if !errors.Is(err, upstream.ErrUnrelated) {
			break
		}
	}
	return nil, fmt.Errorf("%w: %w", errFirstStart, err)
}

// copyUpstream is one attempt of fromUpstream.
func copyUpstream(ctx context.Context, c config.Config, branch string, log *slog.Logger) (*store.Repo, error) {
	if err := remote.InitBare(c.Repo, branch); err != nil {
		return nil, err
	}
	r, err := store.Open(c.Repo, store.Options{Branch: branch, ObjectCacheBytes: int64(c.ObjectCacheMB) << 20})
	if err != nil {
		return nil, err
	}
	sy, err := branchSyncer(r, c, log)
	if err == nil {
		err = sy.Fetch(ctx)
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	if _, err := r.ResolveRef(ctx, "refs/heads/"+branch); err == nil {
		log.Info("copied the upstream", "branch", branch)
		return r, nil
	}
	// An empty upstream: start the wiki, and push it there.
	r.Close()
	if err := os.RemoveAll(c.Repo); err != nil {
		return nil, err
	}
	if r, err = initRepo(c.Repo, branch); err != nil {
		return nil, err
	}
	if sy, err = branchSyncer(r, c, log); err == nil {
		err = sy.Sync(ctx)
	}
	if err == nil && sy.State().Upstream != upstream.StatusOK {
		err = fmt.Errorf("the starter wiki did not reach the upstream: %s", sy.State().LastError)
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	log.Info("the upstream was empty: pushed the starter wiki to it", "branch", branch)
	return r, nil
}

// branchSyncer syncs the served branch alone, for the first start.
func branchSyncer(r *store.Repo, c config.Config, log *slog.Logger) (*upstream.Syncer, error) {
	rem, err := remote.New(r, remoteOptions(c))
	if err != nil {
		return nil, err
	}
	return upstream.New(upstream.Config{Repo: r, Remote: rem, Committer: wikiCommitter, Logger: log})
}
