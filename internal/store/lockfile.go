package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Lock files. A ref is updated as C git does it: create "name.lock"
// exclusively, write it, rename it over the ref, so C git and this package
// exclude each other. This package's writers also hold an OS lock (flock)
// on their lock file from creating it to renaming it, so any process can
// tell a live writer's lock from a dead one's: the kernel drops the OS lock
// when its holder dies, whatever kills it, and a writer stalled by heavy
// I/O keeps it. A lock file someone holds is never taken.
//
// C git's writers take no OS lock, so a lock file no one holds may still
// be a live C git writer's: it counts as stale only once far older than C
// git ever holds a lock. At Open, when no writer of this process can be at
// work, a shorter age applies (see removeStaleLocks).
const (
	// foreignLockAge is how old a lock file no one holds must be before a
	// writer takes it. C git holds a ref lock for milliseconds.
	foreignLockAge = 2 * time.Minute
	// startupLockAge is the same at Open.
	startupLockAge = 500 * time.Millisecond
	// foreignTempAge is how old another program's temporary file must be
	// before Open removes it. A live writer touches its file constantly.
	foreignTempAge = time.Hour
)

// lockFile is a held "name.lock".
type lockFile struct {
	f    *os.File
	path string
}

// takeLock creates path exclusively and holds its OS lock. If path exists,
// it is taken only when stale; otherwise the answer is ErrLocked.
func takeLock(path string) (*lockFile, error) {
	for try := 0; ; try++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			// Where the file system has no OS locks, this fails and only the
			// age rules protect the lock; the exclusive create still holds.
			_ = osLock(f)
			return &lockFile{f: f, path: path}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if free, _ := removeStale(path, foreignLockAge); try > 0 || !free {
			return nil, ErrLocked
		}
	}
}

// commit renames the lock over target, then lets the OS lock go.
func (l *lockFile) commit(target string) error {
	if err := os.Rename(l.path, target); err != nil {
		l.abort()
		return err
	}
	return l.f.Close()
}

// abort removes the lock. It is removed before the OS lock goes with the
// descriptor, so no one ever sees it unheld.
func (l *lockFile) abort() {
	os.Remove(l.path)
	l.f.Close()
}

// createTemp creates a temporary file in dir and holds its OS lock until
// it is closed, so Open in any process can tell it from a killed writer's.
func createTemp(dir, prefix string) (*os.File, error) {
	f, err := os.CreateTemp(dir, prefix)
	if err == nil {
		_ = osLock(f)
	}
	return f, err
}

// removeStale removes path if no one holds its OS lock and it is at least
// minAge old. free is true when path is gone now; young is true when it
// was kept only for its age.
//
// The file is removed while its OS lock is held here and only if path
// still names it, so two processes removing the same stale lock cannot
// remove the fresh one a third has just created in its place.
func removeStale(path string, minAge time.Duration) (free, young bool) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, false
	}
	if err != nil {
		return false, false
	}
	defer f.Close()
	if ok, err := osTryLock(f); err != nil || !ok {
		return false, false
	}
	fi, err := f.Stat()
	if err != nil {
		return false, false
	}
	pi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, false
	}
	if err != nil || !os.SameFile(fi, pi) {
		return false, false
	}
	if time.Since(fi.ModTime()) < minAge {
		return false, true
	}
	return os.Remove(path) == nil, false
}

// held reports whether someone holds path's OS lock.
func held(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	ok, err := osTryLock(f)
	return err == nil && !ok
}

// openLockName is a file in the git directory on which every open Repo
// holds a shared OS lock, so that Open can tell whether another process has
// the repository open.
const openLockName = "gitwiki.lock"

// cleanDebris removes what writers killed mid-write leave behind: ref
// locks, received packs, and go-git's temporary object files (go-git
// writes a loose object to objects/pack/tmp_obj_* and renames it; a kill
// leaves the file). It also starts holding the Repo's open lock.
func (r *Repo) cleanDebris() {
	dir := filepath.Join(r.gitDir, "objects", "pack")
	f, err := os.OpenFile(filepath.Join(r.gitDir, openLockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err == nil {
		// Alone with the repository: no go-git writer can be at work, so
		// every tmp_obj_ file is debris. This runs while the exclusive lock
		// is held, so no other Open can start writing meanwhile.
		if sole, _ := osTryLock(f); sole && haveOSLocks {
			removeFiles(dir, "tmp_obj_", func(p string) { os.Remove(p) })
		}
		if osShare(f) == nil {
			r.openLock = f
		} else {
			f.Close()
		}
	}
	removeFiles(dir, "tmp_obj_", func(p string) { removeStale(p, foreignTempAge) })
	removeFiles(dir, tempPackPrefix, func(p string) {
		if pack, isIdx := strings.CutSuffix(p, ".idx"); isIdx && held(pack) {
			return // its pack is being installed
		}
		removeStale(p, 0)
	})
	removeFiles(dir, "tmp_", func(p string) { removeStale(p, foreignTempAge) })
	r.removeStaleLocks()
}

// removeFiles calls fn for each file in dir whose name has prefix.
func removeFiles(dir, prefix string, fn func(path string)) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
			fn(filepath.Join(dir, e.Name()))
		}
	}
}

// removeStaleLocks removes the ref lock files no one holds at Open. Without
// it, a crash would block writes to that ref until the lock is
// foreignLockAge old. No writer of this process is at work yet, and C git
// holds a lock for milliseconds, so an unheld lock older than
// startupLockAge is debris; a younger one is looked at again once that old.
// (Were it a C git writer's after all, its update fails: git renames the
// lock last and reports the missing file.)
func (r *Repo) removeStaleLocks() {
	var young []string
	try := func(p string) {
		if _, y := removeStale(p, startupLockAge); y {
			young = append(young, p)
		}
	}
	_ = filepath.WalkDir(filepath.Join(r.gitDir, "refs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".lock") {
			try(p)
		}
		return nil
	})
	try(filepath.Join(r.gitDir, "packed-refs.lock"))
	if len(young) == 0 {
		return
	}
	time.Sleep(startupLockAge)
	for _, p := range young {
		removeStale(p, startupLockAge)
	}
}
