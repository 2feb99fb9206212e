package users

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// fileVersion is the format of users.json; a newer one is refused rather
// than misread.
const fileVersion = 1

type fileData struct {
	Version int       `json:"version"`
	Users   []*record `json:"users"`
}

// refresh reloads users.json if another process replaced it. A damaged file
// keeps the accounts last read. Callers hold s.mu.
func (s *Store) refresh() { _ = s.reload(false) }

// reload reads users.json when it changed since it was last read, or always
// when force is set. Callers hold s.mu.
func (s *Store) reload(force bool) error {
	fi, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.users, s.seen = map[string]*record{}, nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	if !force && s.seen != nil && os.SameFile(fi, s.seen) && fi.ModTime().Equal(s.seen.ModTime()) && fi.Size() == s.seen.Size() {
		return nil
	}
	b, err := os.ReadFile(s.path)
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	m, err := parseFile(b)
	if err != nil {
		return fmt.Errorf("users: %s: %w", s.path, err)
	}
	s.users, s.seen = m, fi
	return nil
}

func parseFile(b []byte) (map[string]*record, error) {
	var f fileData
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("format version %d, want %d", f.Version, fileVersion)
	}
	m := make(map[string]*record, len(f.Users))
	for _, r := range f.Users {
		if r == nil {
			return nil, errors.New("empty entry")
		}
		if err := ValidName(r.Name); err != nil {
			return nil, fmt.Errorf("user %q: %w", r.Name, err)
		}
		if _, dup := m[mapKey(r.Name)]; dup {
			return nil, fmt.Errorf("user %q is listed twice", r.Name)
		}
		if r.Sessions == "" {
			return nil, fmt.Errorf("user %q has no session stamp", r.Name)
		}
		m[mapKey(r.Name)] = r
	}
	return m, nil
}

// update applies change to the freshest accounts and writes them back,
// holding the in-process mutex and the cross-process lock file, so no
// writer's change is lost to another's.
func (s *Store) update(change func(map[string]*record) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := lockFile(s.lockPath)
	if err != nil {
		return fmt.Errorf("users: lock: %w", err)
	}
	defer unlock()
	if err := s.reload(true); err != nil {
		return err
	}
	m := make(map[string]*record, len(s.users))
	for k, r := range s.users {
		c := *r
		m[k] = &c
	}
	if err := change(m); err != nil {
		return err
	}
	if err := s.write(m); err != nil {
		return err
	}
	// Read back what was written, so seen matches the file on disk.
	return s.reload(true)
}

// write replaces users.json atomically: a temp file (created 0600) in the
// same directory, fsync, rename, fsync of the directory.
func (s *Store) write(m map[string]*record) error {
	f := fileData{Version: fileVersion, Users: make([]*record, 0, len(m))}
	for _, r := range m {
		f.Users = append(f.Users, r)
	}
	sort.Slice(f.Users, func(i, j int) bool { return mapKey(f.Users[i].Name) < mapKey(f.Users[j].Name) })
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	return writeAtomic(s.path, b)
}

func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable; not every system can fsync a directory,
// and the rename is atomic either way.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
