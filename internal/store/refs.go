package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Refs are read here, not through go-git's reference storage: go-git lists
// every file under refs/, including the "name.lock" files writers (ours and
// C git's) create, and fails a whole listing when one of them is empty or
// vanishes while it reads. A writer at work must never make a listing fail
// or show a lock as a ref.
//
// Loose refs are read before packed-refs: "git pack-refs" writes
// packed-refs before it deletes the loose files, so a ref being packed is
// seen in one place or the other.

// maxSymrefDepth bounds how many symbolic refs a name may go through.
const maxSymrefDepth = 5

// refValue is what one ref file holds: an id, or the name of another ref.
type refValue struct {
	hash   Hash
	target string
}

// parseRefValue reads the content of a ref file; ok is false for anything
// that is not a ref, such as a file a writer is still filling.
func parseRefValue(b []byte) (v refValue, ok bool) {
	line := bytes.TrimRight(b, "\n")
	if t, found := bytes.CutPrefix(line, []byte("ref: ")); found {
		name := string(bytes.TrimSpace(t))
		return refValue{target: name}, strings.HasPrefix(name, "refs/") && gitRefName(name)
	}
	h, err := ParseHash(string(line))
	return refValue{hash: h}, err == nil && !h.IsZero()
}

// readLoose reads a loose ref file. found is false when there is no such
// file, or its content is not a ref after a few tries: a ref file is
// replaced by rename, so a reader sees the old or the new content, and only
// a foreign writer that truncates in place or a crash leaves anything else.
func readLoose(path string) (v refValue, found bool, err error) {
	for range 3 {
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) || isDirErr(err) {
			return v, false, nil
		}
		if err != nil {
			return v, false, err
		}
		if v, ok := parseRefValue(b); ok {
			return v, true, nil
		}
	}
	return v, false, nil
}

// isDirErr reports an error from reading a directory as a file: a ref name
// that is a prefix of others ("refs/heads/a" when "refs/heads/a/b" exists).
func isDirErr(err error) bool { return errors.Is(err, syscall.EISDIR) }

// readPacked reads packed-refs: name → id. A missing file is no refs.
func (r *Repo) readPacked() (map[string]Hash, error) {
	b, err := os.ReadFile(filepath.Join(r.gitDir, "packed-refs"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read packed-refs: %w", err)
	}
	out := map[string]Hash{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' || line[0] == '^' {
			continue
		}
		id, name, ok := strings.Cut(line, " ")
		h, err := ParseHash(id)
		if ok && err == nil && !h.IsZero() && strings.HasPrefix(name, "refs/") && gitRefName(name) {
			out[name] = h
		}
	}
	return out, nil
}

// readRef reads one ref by full name, loose first, then packed.
func (r *Repo) readRef(name string) (v refValue, found bool, err error) {
	v, found, err = readLoose(filepath.Join(r.gitDir, filepath.FromSlash(name)))
	if err != nil || found {
		return v, found, err
	}
	packed, err := r.readPacked()
	if err != nil {
		return v, false, err
	}
	h, ok := packed[name]
	return refValue{hash: h}, ok, nil
}

// ResolveRef reads a full ref name such as "refs/heads/main", following
// symbolic refs.
func (r *Repo) ResolveRef(ctx context.Context, name string) (Hash, error) {
	if !ValidRefName(name) {
		return ZeroHash, fmt.Errorf("%w: %q", ErrBadRevision, name)
	}
	if err := ctx.Err(); err != nil {
		return ZeroHash, err
	}
	cur := name
	for range maxSymrefDepth {
		v, found, err := r.readRef(cur)
		if err != nil {
			return ZeroHash, fmt.Errorf("read ref %s: %w", name, err)
		}
		if !found {
			return ZeroHash, fmt.Errorf("ref %s: %w", name, ErrNotFound)
		}
		if v.target == "" {
			return v.hash, nil
		}
		cur = v.target
	}
	return ZeroHash, fmt.Errorf("ref %s: symbolic refs nest too deep: %w", name, ErrNotFound)
}

// Refs lists the refs whose full names start with prefix, such as
// "refs/heads/proposals/", with the commit (or other object) each names.
// Symbolic refs are left out. Lock files, files a writer is still filling
// and names git would refuse are not refs; none of them fails the listing.
func (r *Repo) Refs(ctx context.Context, prefix string) (map[string]Hash, error) {
	out := map[string]Hash{}
	// Walk only the folder the prefix is in.
	dir := prefix[:strings.LastIndex(prefix, "/")+1]
	if !strings.HasPrefix(dir, "refs/") {
		dir = "refs/"
	}
	err := r.walkLoose(ctx, dir, func(name string, v refValue) {
		if v.target == "" && strings.HasPrefix(name, prefix) {
			out[name] = v.hash
		}
	})
	if err != nil {
		return nil, err
	}
	packed, err := r.readPacked()
	if err != nil {
		return nil, err
	}
	for name, h := range packed {
		if _, loose := out[name]; !loose && strings.HasPrefix(name, prefix) {
			out[name] = h
		}
	}
	return out, nil
}

// walkLoose calls fn for each loose ref under dir ("refs/..."/). Folders
// and files that vanish while it reads are skipped.
func (r *Repo) walkLoose(ctx context.Context, dir string, fn func(name string, v refValue)) error {
	entries, err := os.ReadDir(filepath.Join(r.gitDir, filepath.FromSlash(dir)))
	if errors.Is(err, fs.ErrNotExist) || isNotDir(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list refs: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, e := range entries {
		name := dir + e.Name()
		if strings.HasSuffix(name, ".lock") || !gitRefName(name) {
			continue
		}
		if e.IsDir() {
			if err := r.walkLoose(ctx, name+"/", fn); err != nil {
				return err
			}
			continue
		}
		v, found, err := readLoose(filepath.Join(r.gitDir, filepath.FromSlash(name)))
		if err != nil {
			return fmt.Errorf("list refs: %w", err)
		}
		if found {
			fn(name, v)
		}
	}
	return nil
}

func isNotDir(err error) bool { return errors.Is(err, syscall.ENOTDIR) }

// gitRefName reports whether git itself would accept name as a ref
// (git check-ref-format): no control characters, spaces or ~^:?*[\, no
// "..", "@{" or "//", no part that starts with "." or ends with ".lock",
// and no "." or "/" at the end.
func gitRefName(name string) bool {
	if name == "" || name == "@" || strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".") ||
		strings.Contains(name, "..") || strings.Contains(name, "@{") || strings.Contains(name, "//") {
		return false
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f || strings.ContainsRune(" ~^:?*[\\", c) {
			return false
		}
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || strings.HasSuffix(part, ".lock") {
			return false
		}
	}
	return true
}
