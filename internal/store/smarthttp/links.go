package smarthttp

import (
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gitwiki/gitwiki/internal/store"
)

// objectLinks decodes an object and returns the ids it names.
func objectLinks(kind store.ObjectKind, raw []byte) ([]plumbing.Hash, error) {
	obj := &plumbing.MemoryObject{}
	switch kind {
	case store.KindCommit:
		obj.SetType(plumbing.CommitObject)
	case store.KindTree:
		obj.SetType(plumbing.TreeObject)
	case store.KindTag:
		obj.SetType(plumbing.TagObject)
	default:
		return nil, nil
	}
	obj.Write(raw)
	switch kind {
	case store.KindCommit:
		var c object.Commit
		if err := c.Decode(obj); err != nil {
			return nil, err
		}
		return append([]plumbing.Hash{c.TreeHash}, c.ParentHashes...), nil
	case store.KindTree:
		var t object.Tree
		if err := t.Decode(obj); err != nil {
			return nil, err
		}
		var out []plumbing.Hash
		for _, e := range t.Entries {
			if e.Mode != filemode.Submodule {
				out = append(out, e.Hash)
			}
		}
		return out, nil
	default:
		var t object.Tag
		if err := t.Decode(obj); err != nil {
			return nil, err
		}
		return []plumbing.Hash{t.Target}, nil
	}
}
