package remote

import (
	"fmt"
	"io"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/revlist"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/gitwiki/gitwiki/internal/store"
)

// objects is a go-git view of one repository's objects, opened for one
// transfer: go-git indexes packfiles when it opens them, so a view made
// before a pack arrived would not see it.
type objects struct{ st *filesystem.Storage }

func openObjects(gitDir string) *objects {
	return &objects{st: filesystem.NewStorageWithOptions(osfs.New(gitDir), cache.NewObjectLRU(32<<20), filesystem.Options{})}
}

func (o *objects) Close() error { return o.st.Close() }

func (o *objects) has(h store.Hash) bool {
	return o.st.HasEncodedObject(plumbing.Hash(h)) == nil
}

// present keeps the ids this repository holds, without duplicates.
func (o *objects) present(hs []store.Hash) []store.Hash {
	seen := map[store.Hash]bool{}
	var out []store.Hash
	for _, h := range hs {
		if !h.IsZero() && !seen[h] && o.has(h) {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// missing lists what wants need that haves do not reach; it fails when an
// object is absent, so it doubles as the connectivity check of a fetch.
func (o *objects) missing(wants, haves []store.Hash) ([]plumbing.Hash, error) {
	objs, err := revlist.Objects(o.st, hashes(wants), hashes(o.present(haves)))
	if err != nil {
		return nil, fmt.Errorf("walk objects: %w", err)
	}
	return objs, nil
}

// packWindow is how many objects the encoder compares for deltas; git's
// default.
const packWindow = 10

// writePack writes a complete (not thin) pack of what wants need beyond
// haves. Its deltas name their bases by id, which every receiver takes.
func (o *objects) writePack(w io.Writer, wants, haves []store.Hash) error {
	objs, err := o.missing(wants, haves)
	if err != nil {
		return err
	}
	if _, err := packfile.NewEncoder(w, o.st, true).Encode(objs, packWindow); err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	return nil
}
