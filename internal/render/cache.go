package render

import (
	"container/list"
	"sync"
)

// lru is a bounded, concurrency-safe cache. Values are shared between
// callers, which is why returned documents must not be modified. It is
// bounded by entries, by bytes, or both (a zero bound is no bound): the
// memory a wiki's server needs must follow its settings, not the size of
// its pages.
type lru[V any] struct {
	mu       sync.Mutex
	max      int   // entries; 0: no bound
	maxBytes int64 // sum of size(val); 0: no bound
	bytes    int64
	size     func(V) int64
	order    *list.List // front is most recently used
	items    map[string]*list.Element
}

type lruEntry[V any] struct {
	key  string
	val  V
	size int64
}

// newLRU makes a cache of at most max entries and maxBytes bytes as size
// counts them (nil counts nothing).
func newLRU[V any](max int, maxBytes int64, size func(V) int64) *lru[V] {
	if size == nil {
		size = func(V) int64 { return 0 }
	}
	return &lru[V]{max: max, maxBytes: maxBytes, size: size, order: list.New(), items: make(map[string]*list.Element)}
}

func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry[V]).val, true
	}
	var zero V
	return zero, false
}

// put keeps val under key. A value larger than the whole byte budget is
// not kept: it would push out everything else and then itself.
func (c *lru[V]) put(key string, val V) {
	n := c.size(val) + int64(len(key))
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.remove(e)
	}
	if c.maxBytes > 0 && n > c.maxBytes {
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry[V]{key: key, val: val, size: n})
	c.bytes += n
	for (c.max > 0 && c.order.Len() > c.max) || (c.maxBytes > 0 && c.bytes > c.maxBytes) {
		c.remove(c.order.Back())
	}
}

func (c *lru[V]) remove(e *list.Element) {
	en := e.Value.(*lruEntry[V])
	c.order.Remove(e)
	delete(c.items, en.key)
	c.bytes -= en.size
}

func (c *lru[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// held is the bytes the cache holds, as size counts them.
func (c *lru[V]) held() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}
