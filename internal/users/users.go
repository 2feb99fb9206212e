// Package users keeps the wiki's accounts (maintainers and contributors) in
// DATA/users.json, never in the content repository, with argon2id password
// hashes and HMAC-signed session cookies. It imports no other project package.
package users

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gitwiki/gitwiki/internal/i18n"
)

// Sentinel errors. Errors returned by Store wrap one of them with a sentence
// that can be shown to the person who made the request.
var (
	ErrBadCredentials = errors.New("wrong name or password")
	ErrExists         = errors.New("user exists")
	ErrNotFound       = errors.New("no such user")
	ErrInvalid        = errors.New("invalid name or password")
	// ErrBusy: too many password checks are waiting; each costs tens of
	// megabytes, so past a few the store refuses rather than queue.
	ErrBusy = errors.New("too many password checks at once")
)

// reasonError is a sentinel with a human sentence: Error() is the sentence,
// errors.Is finds the sentinel.
type reasonError struct {
	kind   error
	key    string
	args   []any
	reason string
}

func (e *reasonError) Error() string { return e.reason }
func (e *reasonError) Unwrap() error { return e.kind }

// Say is the refusal in the catalog's words, for the web.
func (e *reasonError) Say() (string, []any, string) {
	if e.key == "" {
		return "", nil, e.reason
	}
	return "account." + e.key, e.args, e.reason
}

// reasons are the English of every refusal by key; the theme's catalog
// says the same as account.<key> (a test holds them equal).
var reasons = map[string]string{
	"name_empty":     "A user name cannot be empty.",
	"name_too_long":  "A user name can have at most {{.N}} characters.",
	"name_chars":     "A user name may only contain letters a–z, digits, dots, underscores and hyphens.",
	"name_start":     "A user name must start with a letter or a digit.",
	"password_short": "A password needs at least {{.N}} characters.",
	"password_long":  "A password can have at most {{.N}} bytes.",
	"exists":         "There is already a user called “{{.Name}}”.",
}

// Messages are the English refusals by catalog key, for that test.
func Messages() map[string]string {
	out := make(map[string]string, len(reasons))
	for k, v := range reasons {
		out["account."+k] = v
	}
	return out
}

func invalid(key string, args ...any) error {
	return &reasonError{kind: ErrInvalid, key: key, args: args, reason: i18n.Fill(reasons[key], args...)}
}

// Limits on names and passwords.
const (
	MaxNameLen        = 64
	MinPasswordChars  = 10
	MaxPasswordBytes  = 1024
	DefaultSessionTTL = 14 * 24 * time.Hour
)

// User is an account as the rest of the wiki sees it: never its hash.
type User struct {
	Name       string
	Maintainer bool
	Created    time.Time
}

// record is an account as stored in users.json.
type record struct {
	Name       string    `json:"name"`
	Maintainer bool      `json:"maintainer"`
	Created    time.Time `json:"created"`
	Password   string    `json:"password"` // PHC string, see password.go
	// Sessions is a random value bound into every session cookie of this
	// account; replacing it (EndSessions, or Remove then Add) ends them all.
	Sessions string `json:"sessions"`
}

func (r *record) user() User { return User{Name: r.Name, Maintainer: r.Maintainer, Created: r.Created} }

// Store is the account list of one data directory. It is safe for
// concurrent use, and for use by two processes at once (the server and the
// gitwiki user command): writes are serialised by a lock file and replace
// users.json atomically, and readers reload it when it has changed.
type Store struct {
	path     string // DATA/users.json
	lockPath string // DATA/users.lock
	key      []byte // session signing key, DATA/session.key
	params   params // for new hashes, and for the work done for unknown names
	kdf      func(password, salt []byte, p params) []byte
	now      func() time.Time
	// dummySalt makes a failed lookup cost one argon2id run, like a wrong
	// password, so timing does not tell which names exist.
	dummySalt []byte
	// slots bounds concurrent argon2id runs: each one takes params.memory.
	// waiting counts the checks queued for a slot, bounded by maxWaiting.
	slots   chan struct{}
	waiting atomic.Int32

	mu    sync.Mutex // guards users and seen
	users map[string]*record
	seen  os.FileInfo // users.json as last read; nil when absent
}

// Open opens (creating if needed) the accounts of dataDir.
func Open(dataDir string) (*Store, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	key, err := SessionKey(dataDir)
	if err != nil {
		return nil, err
	}
	s := &Store{
		path:      filepath.Join(dataDir, "users.json"),
		lockPath:  filepath.Join(dataDir, "users.lock"),
		key:       key,
		params:    defaultParams,
		kdf:       argon2id,
		now:       time.Now,
		dummySalt: randomBytes(saltLen),
		slots:     make(chan struct{}, kdfSlots),
		users:     map[string]*record{},
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reload(true); err != nil {
		return nil, err
	}
	return s, nil
}

// key returns the map key of a name: names are unique regardless of case,
// so "Alice" cannot pose as "alice".
func mapKey(name string) string { return strings.ToLower(name) }

// ValidName reports why name cannot be an account name, or nil.
func ValidName(name string) error {
	if name == "" {
		return invalid("name_empty")
	}
	if len(name) > MaxNameLen {
		return invalid("name_too_long", "N", MaxNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return invalid("name_chars")
		}
	}
	if c := name[0]; c == '.' || c == '_' || c == '-' {
		return invalid("name_start")
	}
	return nil
}

// ValidPassword reports why password cannot be used, or nil.
func ValidPassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordChars {
		return invalid("password_short", "N", MinPasswordChars)
	}
	if len(password) > MaxPasswordBytes {
		return invalid("password_long", "N", MaxPasswordBytes)
	}
	return nil
}

// Add creates an account.
func (s *Store) Add(name, password string, maintainer bool) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if err := ValidPassword(password); err != nil {
		return err
	}
	if _, ok := s.lookup(name); ok {
		return exists(name)
	}
	// Hash outside the locks: it takes a good fraction of a second.
	hash := s.hash(password)
	return s.update(func(m map[string]*record) error {
		if _, ok := m[mapKey(name)]; ok {
			return exists(name)
		}
		m[mapKey(name)] = &record{
			Name:       name,
			Maintainer: maintainer,
			Created:    s.now().UTC().Truncate(time.Second),
			Password:   hash,
			Sessions:   newStamp(),
		}
		return nil
	})
}

func exists(name string) error {
	return &reasonError{kind: ErrExists, key: "exists", args: []any{"Name", name}, reason: i18n.Fill(reasons["exists"], "Name", name)}
}

func notFound(name string) error {
	return &reasonError{kind: ErrNotFound, reason: fmt.Sprintf("there is no user called %q", name)}
}

// Remove deletes an account; its sessions end with it.
func (s *Store) Remove(name string) error {
	return s.update(func(m map[string]*record) error {
		if _, ok := m[mapKey(name)]; !ok {
			return notFound(name)
		}
		delete(m, mapKey(name))
		return nil
	})
}

// EndSessions signs the account out everywhere: every session cookie issued
// so far stops being accepted.
func (s *Store) EndSessions(name string) error {
	return s.update(func(m map[string]*record) error {
		r, ok := m[mapKey(name)]
		if !ok {
			return notFound(name)
		}
		r.Sessions = newStamp()
		return nil
	})
}

// List returns every account sorted by name.
func (s *Store) List() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh()
	out := make([]User, 0, len(s.users))
	for _, r := range s.users {
		out = append(out, r.user())
	}
	sort.Slice(out, func(i, j int) bool { return mapKey(out[i].Name) < mapKey(out[j].Name) })
	return out
}

// HasMaintainer reports whether at least one maintainer account exists.
func (s *Store) HasMaintainer() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh()
	for _, r := range s.users {
		if r.Maintainer {
			return true
		}
	}
	return false
}

// Verify checks a name and password. Every failure costs one argon2id run
// and returns ErrBadCredentials, whether the name exists or not.
func (s *Store) Verify(name, password string) (User, error) {
	if n := s.waiting.Add(1); n > maxWaiting {
		s.waiting.Add(-1)
		return User{}, ErrBusy
	}
	defer s.waiting.Add(-1)
	r, ok := s.lookup(name)
	if !ok || len(password) > MaxPasswordBytes {
		s.dummyWork(password)
		return User{}, ErrBadCredentials
	}
	if !s.check(password, r.Password) {
		return User{}, ErrBadCredentials
	}
	return r.user(), nil
}

// One argon2id run at a time (64 MiB each), and a short queue: password
// checks sit behind the login limits, so a longer queue only means someone
// is trying many passwords from many places.
const (
	kdfSlots   = 1
	maxWaiting = 8
)

// lookup finds an account by name, case-insensitively, and returns a copy.
func (s *Store) lookup(name string) (record, bool) {
	if len(name) > MaxNameLen {
		return record{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh()
	r, ok := s.users[mapKey(name)]
	if !ok {
		return record{}, false
	}
	return *r, true
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails: see crypto/rand.Read
	return b
}

func newStamp() string { return base64.RawURLEncoding.EncodeToString(randomBytes(16)) }
