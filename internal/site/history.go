package site

import (
	"context"
	"sync"

	"github.com/gitwiki/gitwiki/internal/store"
)

// lastChanges remembers, per file, the newest commit that changed it as seen
// from some head. When the head moves on, only the new commits are walked.
type lastChanges struct {
	mu sync.Mutex
	m  map[string]lastChange
}

type lastChange struct {
	head   store.Hash
	commit *store.Commit
}

const maxLastChanges = 20000

// LastChange is the newest commit on the first-parent line from `from` that
// changed the content file. Shown on every page, so it is cached.
func (l *Loader) LastChange(ctx context.Context, from store.Hash, file string) (*store.Commit, error) {
	path := l.RepoPath(file)
	l.last.mu.Lock()
	known, ok := l.last.m[path]
	l.last.mu.Unlock()
	stop := store.ZeroHash
	if ok {
		if known.head == from {
			return known.commit, nil
		}
		stop = known.head
	}
	c, reached, err := l.repo.LastChange(ctx, from, path, stop)
	if err != nil {
		return nil, err
	}
	if reached {
		c = known.commit
	}
	l.last.mu.Lock()
	if l.last.m == nil || len(l.last.m) > maxLastChanges {
		l.last.m = map[string]lastChange{}
	}
	// Only move forward: a view of an old revision must not replace the head's answer.
	if _, had := l.last.m[path]; !had || reached {
		l.last.m[path] = lastChange{head: from, commit: c}
	}
	l.last.mu.Unlock()
	return c, nil
}
