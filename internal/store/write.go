package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrStale means a ref moved since the caller read it: the compare-and-swap
// lost, and the caller must merge or retry rather than overwrite. For a
// create (ZeroHash as old) it means the name is taken.
var ErrStale = errors.New("ref changed concurrently")

// ErrLocked means another writer holds the ref's lock file.
var ErrLocked = errors.New("ref is locked by another writer")

// FileWrite is one change to a tree: Content replaces the file, or Delete
// removes it.
type FileWrite struct {
	Path    string
	Content []byte
	Delete  bool
}

// Init creates a bare repository at dir whose branch holds one commit with the
// files of content. It fails if dir already holds a repository.
func Init(dir, branch string, content fs.FS, author Signature, message string) (*Repo, error) {
	if !validRefName(branch) {
		return nil, fmt.Errorf("%w: branch %q", ErrBadRevision, branch)
	}
	if _, err := findGitDir(dir); err == nil {
		return nil, fmt.Errorf("init %s: a repository already exists there", dir)
	}
	g, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		Bare:        true,
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(branch)},
	})
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", dir, err)
	}
	cfg, err := g.Config()
	if err == nil {
		cfg.Raw.Section("core").SetOption("logallrefupdates", "false")
		_ = g.Storer.SetConfig(cfg)
	}
	r, err := Open(dir, Options{Branch: branch})
	if err != nil {
		return nil, err
	}
	var writes []FileWrite
	err = fs.WalkDir(content, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content, p)
		if err != nil {
			return err
		}
		writes = append(writes, FileWrite{Path: p, Content: b})
		return nil
	})
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("read starter content: %w", err)
	}
	ctx := context.Background()
	c, err := r.WriteCommit(ctx, ZeroHash, writes, CommitInfo{Author: author, Committer: author, Message: message})
	if err == nil {
		err = r.UpdateRef(ctx, "refs/heads/"+branch, c, ZeroHash)
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// CommitInfo is the metadata of a new commit.
type CommitInfo struct {
	Author, Committer Signature
	Message           string
	// ExtraParents follow the base commit, for merge commits.
	ExtraParents []Hash
}

// WriteCommit writes the blobs, trees and commit that apply writes on top of
// base (ZeroHash for a root commit) and returns the new commit id. It moves no
// ref: publish it with UpdateRef.
func (r *Repo) WriteCommit(ctx context.Context, base Hash, writes []FileWrite, info CommitInfo) (Hash, error) {
	var out Hash
	err := r.with(ctx, func(g *git.Repository) error {
		root := &dirNode{entries: map[string]*node{}}
		var parents []plumbing.Hash
		if !base.IsZero() {
			c, err := g.CommitObject(base.p())
			if err != nil {
				return fmt.Errorf("base %s: %w", base.Short(), notFound(err))
			}
			parents = append(parents, c.Hash)
			root.hash = c.TreeHash
		}
		for _, p := range info.ExtraParents {
			parents = append(parents, p.p())
		}
		for _, w := range writes {
			if err := root.apply(g, strings.Split(w.Path, "/"), w); err != nil {
				return fmt.Errorf("apply %s: %w", w.Path, err)
			}
		}
		treeHash, err := root.write(g)
		if err != nil {
			return err
		}
		if treeHash.IsZero() {
			treeHash, err = writeTree(g, nil)
			if err != nil {
				return err
			}
		}
		when := func(s Signature) Signature {
			if s.When.IsZero() {
				s.When = time.Now()
			}
			return s
		}
		a, c := when(info.Author), when(info.Committer)
		commit := &object.Commit{
			Author:       object.Signature{Name: a.Name, Email: a.Email, When: a.When},
			Committer:    object.Signature{Name: c.Name, Email: c.Email, When: c.When},
			Message:      info.Message,
			TreeHash:     treeHash,
			ParentHashes: parents,
		}
		obj := g.Storer.NewEncodedObject()
		if err := commit.Encode(obj); err != nil {
			return fmt.Errorf("encode commit: %w", err)
		}
		h, err := g.Storer.SetEncodedObject(obj)
		if err != nil {
			return fmt.Errorf("write commit: %w", err)
		}
		out = toHash(h)
		return nil
	})
	return out, err
}

// node is a file or a folder of a tree being rewritten. Folders are loaded
// lazily: an untouched subtree keeps its id and is never read.
type node struct {
	file *plumbing.Hash
	mode filemode.FileMode
	dir  *dirNode
}

type dirNode struct {
	hash    plumbing.Hash // the original tree; zero for a new folder
	entries map[string]*node
	loaded  bool
	dirty   bool
}

func (d *dirNode) load(g *git.Repository) error {
	if d.loaded {
		return nil
	}
	d.loaded = true
	if d.entries == nil {
		d.entries = map[string]*node{}
	}
	if d.hash.IsZero() {
		return nil
	}
	t, err := g.TreeObject(d.hash)
	if err != nil {
		return fmt.Errorf("tree %s: %w", d.hash.String()[:10], notFound(err))
	}
	for _, e := range t.Entries {
		e := e
		if e.Mode == filemode.Dir {
			d.entries[e.Name] = &node{mode: e.Mode, dir: &dirNode{hash: e.Hash}}
		} else {
			h := e.Hash
			d.entries[e.Name] = &node{mode: e.Mode, file: &h}
		}
	}
	return nil
}

func (d *dirNode) apply(g *git.Repository, segs []string, w FileWrite) error {
	if err := d.load(g); err != nil {
		return err
	}
	name := segs[0]
	if name == "" || name == "." || name == ".." || name == ".git" {
		return fmt.Errorf("bad path segment %q", name)
	}
	if len(segs) == 1 {
		if w.Delete {
			if n, ok := d.entries[name]; ok && n.dir == nil {
				delete(d.entries, name)
				d.dirty = true
			}
			return nil
		}
		h, err := writeBlob(g, w.Content)
		if err != nil {
			return err
		}
		mode := filemode.Regular
		if old, ok := d.entries[name]; ok && old.dir == nil && old.mode == filemode.Executable {
			mode = filemode.Executable
		}
		d.entries[name] = &node{file: &h, mode: mode}
		d.dirty = true
		return nil
	}
	n, ok := d.entries[name]
	if !ok || n.dir == nil {
		if w.Delete {
			return nil
		}
		n = &node{mode: filemode.Dir, dir: &dirNode{entries: map[string]*node{}, loaded: true}}
		d.entries[name] = n
	}
	if err := n.dir.apply(g, segs[1:], w); err != nil {
		return err
	}
	if n.dir.dirty {
		d.dirty = true
	}
	return nil
}

// write stores changed trees bottom-up and returns this folder's id; an empty
// folder has the zero id and is dropped by its parent, as git does.
func (d *dirNode) write(g *git.Repository) (plumbing.Hash, error) {
	if !d.dirty {
		return d.hash, nil
	}
	var entries []object.TreeEntry
	for name, n := range d.entries {
		if n.dir != nil {
			h, err := n.dir.write(g)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if h.IsZero() {
				continue
			}
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
			continue
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: n.mode, Hash: *n.file})
	}
	if len(entries) == 0 {
		return plumbing.ZeroHash, nil
	}
	return writeTree(g, entries)
}

// writeTree sorts entries the way git does (a folder sorts as if its name
// ended in "/"), or fsck rejects the tree.
func writeTree(g *git.Repository, entries []object.TreeEntry) (plumbing.Hash, error) {
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
	t := &object.Tree{Entries: entries}
	obj := g.Storer.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode tree: %w", err)
	}
	h, err := g.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write tree: %w", err)
	}
	return h, nil
}

func writeBlob(g *git.Repository, content []byte) (plumbing.Hash, error) {
	obj := g.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(content)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(content); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := g.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write blob: %w", err)
	}
	return h, nil
}

// UpdateRef moves a ref from old to new with the same lock-file protocol
// as C git: create name.lock exclusively, check the current value, write
// and fsync, rename over the ref. A kill at any point leaves either the old
// or the new value, never an empty ref, and C git writing at the same time
// is excluded by the same lock. The lock is also held with an OS lock, so
// that no other process ever takes it while this one is alive (see
// lockfile.go).
//
// With ZeroHash as old it is a create-only compare-and-swap: of any number
// of writers creating the same name at once, in this process or others,
// exactly one succeeds and every other gets ErrStale (or ErrLocked, when
// another process holds the lock at that instant), so a caller can claim a
// fresh name, such as the next proposal number, by trying to create it.
// ZeroHash as new deletes the ref.
func (r *Repo) UpdateRef(ctx context.Context, name string, new, old Hash) error {
	if !ValidRefName(name) {
		return fmt.Errorf("%w: ref %q", ErrBadRevision, name)
	}
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	// Bumped on the way out, whatever happened: a failed update may still
	// have changed the ref (a rename that succeeded before an error).
	defer r.refGen.Add(1)
	// A swap that would lose is refused before taking the lock file: it
	// is lost as of this read (writers of this process take turns on
	// writeMu), and losers, many when writers race to claim a name, cost
	// no file. The check is made again under the lock file, for writers
	// in other processes.
	if err := r.expect(ctx, name, old); err != nil {
		return err
	}
	file := filepath.Join(r.gitDir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	lock, err := takeLock(file + ".lock")
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	committed := false
	defer func() {
		if !committed {
			lock.abort()
		}
	}()
	if err := r.expect(ctx, name, old); err != nil {
		return err
	}
	if new.IsZero() {
		return r.deleteRefLocked(name, file)
	}
	if _, err := lock.f.WriteString(new.String() + "\n"); err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	if err := lock.f.Sync(); err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	committed = true
	if err := lock.commit(file); err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	syncDir(filepath.Dir(file))
	if name == "refs/heads/"+r.branch {
		r.InvalidateHead()
	}
	return nil
}

// expect fails with ErrStale unless the ref's value is old.
func (r *Repo) expect(ctx context.Context, name string, old Hash) error {
	cur, err := r.ResolveRef(ctx, name)
	if errors.Is(err, ErrNotFound) {
		cur, err = ZeroHash, nil
	}
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	if cur != old {
		return fmt.Errorf("update %s: expected %s, found %s: %w", name, short(old), short(cur), ErrStale)
	}
	return nil
}

// deleteRefLocked removes a ref from both its loose file and packed-refs.
func (r *Repo) deleteRefLocked(name, file string) error {
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	packed := filepath.Join(r.gitDir, "packed-refs")
	b, err := os.ReadFile(packed)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	var keep bytes.Buffer
	lines := strings.SplitAfter(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasSuffix(strings.TrimRight(l, "\n"), " "+name) {
			// Drop its peeled line too.
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "^") {
				i++
			}
			continue
		}
		keep.WriteString(l)
	}
	if keep.Len() == len(b) {
		return nil
	}
	plock, err := takeLock(packed + ".lock")
	if err != nil {
		return fmt.Errorf("delete %s: packed-refs: %w", name, err)
	}
	_, err = plock.f.Write(keep.Bytes())
	if err == nil {
		err = plock.f.Sync()
	}
	if err != nil {
		plock.abort()
		return fmt.Errorf("delete %s: %w", name, err)
	}
	if err := plock.commit(packed); err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func short(h Hash) string {
	if h.IsZero() {
		return "nothing"
	}
	return h.Short()
}
