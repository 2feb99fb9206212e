package web

import (
	"sort"
	"sync"
	"time"
)

// limiter is a set of token buckets by key, in memory only: each key may
// spend burst tokens at once, and gets one back every interval. It holds at
// most max keys; past that it forgets the keys that have the most tokens
// left, which are the ones that lose least by being forgotten.
type limiter struct {
	mu       sync.Mutex
	burst    float64
	interval time.Duration
	max      int
	now      func() time.Time
	buckets  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

func newLimiter(burst int, interval time.Duration, max int) *limiter {
	return &limiter{
		burst:    float64(burst),
		interval: interval,
		max:      max,
		now:      time.Now,
		buckets:  make(map[string]*bucket),
	}
}

// fill brings a bucket's tokens up to now.
func (l *limiter) fill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.burst, b.tokens+float64(d)/float64(l.interval))
		b.at = now
	}
}

// allow spends one token of key and reports whether there was one.
func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.max {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	l.fill(b, now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// refund gives back a token spent by allow, for attempts that should not
// count (a successful login).
func (l *limiter) refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok {
		l.fill(b, l.now())
		b.tokens = min(l.burst, b.tokens+1)
	}
}

// evict makes room: first by dropping full buckets, which hold nothing a
// new bucket would not, then the fullest tenth. Callers hold l.mu.
func (l *limiter) evict(now time.Time) {
	for k, b := range l.buckets {
		l.fill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) < l.max {
		return
	}
	type entry struct {
		key    string
		tokens float64
	}
	all := make([]entry, 0, len(l.buckets))
	for k, b := range l.buckets {
		all = append(all, entry{k, b.tokens})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].tokens > all[j].tokens })
	for _, e := range all[:len(all)-l.max*9/10] {
		delete(l.buckets, e.key)
	}
}

func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
