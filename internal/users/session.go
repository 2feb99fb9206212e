package users

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	sessionKeyLen = 32
	// maxSessionLen bounds the work done on a cookie before it is rejected;
	// a real one is about 150 bytes.
	maxSessionLen = 512
	sessionDomain = "gitwiki session v1"
)

var b64url = base64.RawURLEncoding.Strict()

// SessionKey returns the key that signs session cookies, DATA/session.key:
// 32 random bytes, created with mode 0600 on first use. Deleting the file
// signs everyone out.
func SessionKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, "session.key")
	for range 3 {
		b, err := os.ReadFile(path)
		if err == nil {
			if len(b) != sessionKeyLen {
				return nil, fmt.Errorf("users: %s has %d bytes, want %d; delete it to make a new key (this signs everyone out)", path, len(b), sessionKeyLen)
			}
			if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
				os.Chmod(path, 0o600)
			}
			return b, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("users: %w", err)
		}
		if err := createKey(path); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("users: create session key: %w", err)
		}
	}
	return nil, fmt.Errorf("users: %s keeps disappearing", path)
}

// createKey writes a new key so that no reader ever sees a partial file:
// the full file is linked into place, which fails if another process won.
func createKey(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".session.key.*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(randomBytes(sessionKeyLen)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	err = os.Link(tmp.Name(), path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		syncDir(filepath.Dir(path))
		return err
	}
	// No hard links on this file system: create exclusively instead.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(randomBytes(sessionKeyLen)); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// NewSession returns a signed session value for the account name, valid for
// ttl (DefaultSessionTTL when ttl <= 0): base64url("name|expiry|nonce") "."
// base64url(HMAC-SHA256). It returns "" when there is no such account.
func (s *Store) NewSession(name string, ttl time.Duration) string {
	r, ok := s.lookup(name)
	if !ok {
		return ""
	}
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	exp := s.now().Add(ttl).Unix()
	payload := r.Name + "|" + strconv.FormatInt(exp, 10) + "|" + b64url.EncodeToString(randomBytes(16))
	return b64url.EncodeToString([]byte(payload)) + "." + b64url.EncodeToString(s.mac(payload, r.Sessions))
}

// mac binds a session to the key and to the account's session stamp, so
// removing the account or ending its sessions invalidates every cookie.
func (s *Store) mac(payload, stamp string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(sessionDomain))
	m.Write([]byte{0})
	m.Write([]byte(stamp))
	m.Write([]byte{0})
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// CheckSession returns the account a session value was issued to, if the
// signature is right, it has not expired, and the account still exists.
func (s *Store) CheckSession(value string) (User, bool) {
	if value == "" || len(value) > maxSessionLen {
		return User{}, false
	}
	p64, m64, ok := strings.Cut(value, ".")
	if !ok {
		return User{}, false
	}
	pb, err := b64url.DecodeString(p64)
	if err != nil {
		return User{}, false
	}
	sig, err := b64url.DecodeString(m64)
	if err != nil || len(sig) != sha256.Size {
		return User{}, false
	}
	payload := string(pb)
	parts := strings.Split(payload, "|")
	if len(parts) != 3 || ValidName(parts[0]) != nil {
		return User{}, false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || strconv.FormatInt(exp, 10) != parts[1] {
		return User{}, false
	}
	r, ok := s.lookup(parts[0])
	if !ok || r.Name != parts[0] {
		return User{}, false
	}
	if !hmac.Equal(sig, s.mac(payload, r.Sessions)) {
		return User{}, false
	}
	if !s.now().Before(time.Unix(exp, 0)) {
		return User{}, false
	}
	return r.user(), true
}

// deviceDomain separates device tokens from sessions under the same key.
const deviceDomain = "gitwiki device v1"

// DeviceTTL is how long a browser that logged in stays known.
const DeviceTTL = 365 * 24 * time.Hour

// NewDevice returns a signed token saying that this browser has logged in
// as name. It grants nothing: it only lets the browser past the lockout that
// failed logins from elsewhere put on the account, so that strangers
// guessing a maintainer's password cannot keep the maintainer out.
func (s *Store) NewDevice(name string) string {
	r, ok := s.lookup(name)
	if !ok {
		return ""
	}
	exp := s.now().Add(DeviceTTL).Unix()
	payload := strings.ToLower(r.Name) + "|" + strconv.FormatInt(exp, 10) + "|" + b64url.EncodeToString(randomBytes(16))
	return b64url.EncodeToString([]byte(payload)) + "." + b64url.EncodeToString(s.deviceMAC(payload))
}

func (s *Store) deviceMAC(payload string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(deviceDomain))
	m.Write([]byte{0})
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// KnownDevice reports whether value is an unexpired device token for name.
func (s *Store) KnownDevice(value, name string) bool {
	if value == "" || len(value) > maxSessionLen {
		return false
	}
	p64, m64, ok := strings.Cut(value, ".")
	if !ok {
		return false
	}
	pb, err1 := b64url.DecodeString(p64)
	sig, err2 := b64url.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(sig, s.deviceMAC(string(pb))) {
		return false
	}
	parts := strings.Split(string(pb), "|")
	if len(parts) != 3 || parts[0] != strings.ToLower(name) {
		return false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	return err == nil && s.now().Before(time.Unix(exp, 0))
}
