package store

import (
	"container/list"
	"sync"
)

// blobCache keeps recently read small blobs. Blobs never change, so a hit is
// always right; it saves reading a page's source from disk a second time
// when the read model has just parsed it (loose objects are a file each).
type blobCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front: most recent
	byID  map[Hash]*list.Element
}

type blobEntry struct {
	id   Hash
	data []byte
}

// maxCachedBlob leaves large attachments to the object store.
const maxCachedBlob = 1 << 20

func newBlobCache(max int64) *blobCache {
	return &blobCache{max: max, order: list.New(), byID: map[Hash]*list.Element{}}
}

// get returns the cached content; callers must not modify it.
func (c *blobCache) get(id Hash) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*blobEntry).data, true
}

func (c *blobCache) put(id Hash, data []byte) {
	if int64(len(data)) > maxCachedBlob || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[id]; ok {
		return
	}
	c.byID[id] = c.order.PushFront(&blobEntry{id, data})
	c.size += int64(len(data))
	for c.size > c.max {
		last := c.order.Back()
		be := last.Value.(*blobEntry)
		c.order.Remove(last)
		delete(c.byID, be.id)
		c.size -= int64(len(be.data))
	}
}
