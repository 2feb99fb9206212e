package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gitwiki/gitwiki/internal/store"
)

// Result is what became of one push command. Err is nil when the upstream
// took it; else it wraps ErrStale (the upstream's ref is not at Old: fetch
// and try again), ErrNonFastForward (merge first) or ErrRejected (the
// upstream said no, for the reason given).
type Result struct {
	Command
	Err error
}

// Push moves refs on the upstream. Each command names the value the
// upstream must hold (its compare-and-swap), and the upstream checks it
// again under its own lock. Nothing is forced: a command whose new value
// does not descend from its old one is refused here, and only proposal
// branches may be deleted. The tracking refs of the refs that moved are
// updated. The error is for the push as a whole (unreachable, refused
// credentials); per-ref outcomes are in the results.
func (r *Remote) Push(ctx context.Context, cmds []Command) ([]Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, err := r.push(ctx, cmds)
	for i := range res {
		if res[i].Err != nil {
			res[i].Err = r.fail(res[i].Err)
		}
	}
	return res, r.fail(err)
}

func (r *Remote) push(ctx context.Context, cmds []Command) ([]Result, error) {
	results := make([]Result, len(cmds))
	for i, c := range cmds {
		results[i] = Result{Command: c, Err: r.check(ctx, c)}
	}
	var sent []int
	plan := func(refs map[string]store.Hash) ([]Command, error) {
		var out []Command
		for i, c := range cmds {
			if results[i].Err != nil {
				continue
			}
			if cur := refs[c.Name]; cur != c.Old {
				results[i].Err = fmt.Errorf("%w: %s is at %s on the upstream, not %s", ErrStale, c.Name, shortHash(cur), shortHash(c.Old))
				continue
			}
			sent = append(sent, i)
			out = append(out, c)
		}
		return out, nil
	}
	pack := func(w io.Writer, refs map[string]store.Hash, out []Command) error {
		var wants, haves []store.Hash
		for _, c := range out {
			wants = append(wants, c.New)
		}
		for _, h := range refs {
			haves = append(haves, h)
		}
		here := openObjects(r.repo.GitDir())
		defer here.Close()
		return here.writePack(w, dedupe(wants), haves)
	}
	_, status, err := r.dialer.push(ctx, plan, pack)
	if err != nil {
		return results, err
	}
	for _, i := range sent {
		c := cmds[i]
		reason, ok := status[c.Name]
		if !ok || reason != "" {
			results[i].Err = rejection(c.Name, reason)
			continue
		}
		r.trackPushed(ctx, c)
	}
	return results, nil
}

// check refuses, before anything is sent, what would force or lose work.
func (r *Remote) check(ctx context.Context, c Command) error {
	if !r.inScope(c.Name) {
		return fmt.Errorf("%w: %s is not a ref the wiki pushes", ErrRejected, c.Name)
	}
	switch {
	case c.New.IsZero() && c.Old.IsZero():
		return fmt.Errorf("%w: nothing to push for %s", ErrRejected, c.Name)
	case c.New.IsZero():
		if !strings.HasPrefix(c.Name, ProposalPrefix) {
			return fmt.Errorf("%w: the wiki never deletes %s upstream", ErrRejected, c.Name)
		}
		return nil
	case c.Old.IsZero():
		return nil
	}
	ff, err := r.repo.IsAncestor(ctx, c.Old, c.New)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s: the upstream's %s is not here; fetch first", ErrStale, c.Name, c.Old.Short())
	}
	if err != nil {
		return err
	}
	if !ff {
		return fmt.Errorf("%w: %s: %s does not descend from the upstream's %s", ErrNonFastForward, c.Name, c.New.Short(), c.Old.Short())
	}
	return nil
}

// trackPushed records that the upstream now holds what was pushed. A
// tracking ref a fetch moved meanwhile is left for the next fetch.
func (r *Remote) trackPushed(ctx context.Context, c Command) {
	t := Tracking(c.Name)
	cur, err := r.repo.ResolveRef(ctx, t)
	if errors.Is(err, store.ErrNotFound) {
		cur, err = store.ZeroHash, nil
	}
	if err == nil && cur == c.Old {
		_ = r.repo.UpdateRef(ctx, t, c.New, cur)
	}
}

// rejection sorts an upstream's reason, in the words of git's
// receive-pack or of a host, into the sentinels.
func rejection(name, reason string) error {
	if reason == "" {
		reason = "no report for this ref"
	}
	low := strings.ToLower(reason)
	switch {
	case strings.Contains(low, "non-fast-forward"), strings.Contains(low, "non fast-forward"):
		return fmt.Errorf("%w: %s: %s", ErrNonFastForward, name, reason)
	case strings.Contains(low, "fetch first"), strings.Contains(low, "stale"), strings.Contains(low, "failed to lock"),
		strings.Contains(low, "cannot lock"), strings.Contains(low, "already exists"), strings.Contains(low, "expected"),
		strings.Contains(low, "failed to update ref"):
		return fmt.Errorf("%w: %s: %s", ErrStale, name, reason)
	}
	return fmt.Errorf("%w: %s: %s", ErrRejected, name, reason)
}

func shortHash(h store.Hash) string {
	if h.IsZero() {
		return "nothing"
	}
	return h.Short()
}
