package users

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cheap keeps tests fast; TestPHCRoundTrip covers the real parameters.
var cheap = params{memory: 64, time: 1, threads: 1, keyLen: 32}

// MustOpen opens a store in a temp dir with cheap hashing.
func MustOpen(tb testing.TB, dir string) *Store {
	tb.Helper()
	if dir == "" {
		dir = tb.TempDir()
	}
	s, err := Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	s.params = cheap
	return s
}

func TestValidation(t *testing.T) {
	cases := []struct {
		name, user, password string
		want                 error
	}{
		{"ok", "alice", "correct horse", nil},
		{"dots and dashes", "a.b_c-d9", "correct horse", nil},
		{"64 chars", strings.Repeat("a", 64), "correct horse", nil},
		{"empty name", "", "correct horse", ErrInvalid},
		{"65 chars", strings.Repeat("a", 65), "correct horse", ErrInvalid},
		{"space", "al ice", "correct horse", ErrInvalid},
		{"pipe", "al|ice", "correct horse", ErrInvalid},
		{"slash", "al/ice", "correct horse", ErrInvalid},
		{"non-ascii letter", "аlice", "correct horse", ErrInvalid}, // Cyrillic а
		{"leading dash", "-alice", "correct horse", ErrInvalid},
		{"leading dot", ".alice", "correct horse", ErrInvalid},
		{"newline", "alice\n", "correct horse", ErrInvalid},
		{"short password", "alice", "123456789", ErrInvalid},
		{"10 runes", "alice", "éééééééééé", nil},
		{"1024 bytes", "alice", strings.Repeat("x", 1024), nil},
		{"1025 bytes", "alice", strings.Repeat("x", 1025), ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := MustOpen(t, "")
			err := s.Add(tc.user, tc.password, false)
			if !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
				t.Fatalf("Add(%q): got %v, want %v", tc.user, err, tc.want)
			}
			if err != nil && (strings.HasPrefix(err.Error(), "invalid") || err.Error() == "") {
				t.Errorf("error is not a sentence: %q", err)
			}
		})
	}
}

func TestAddVerifyRemove(t *testing.T) {
	s := MustOpen(t, "")
	if s.HasMaintainer() {
		t.Fatal("empty store has a maintainer")
	}
	if err := s.Add("alice", "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("bob", "staple battery horse", false); err != nil {
		t.Fatal(err)
	}
	for _, dup := range []string{"alice", "ALICE", "Alice"} {
		if err := s.Add(dup, "another password", false); !errors.Is(err, ErrExists) {
			t.Errorf("Add(%q) again: got %v, want ErrExists", dup, err)
		}
	}
	if !s.HasMaintainer() {
		t.Fatal("no maintainer after adding one")
	}
	u, err := s.Verify("alice", "correct horse battery")
	if err != nil || u.Name != "alice" || !u.Maintainer || u.Created.IsZero() {
		t.Fatalf("Verify: got %+v, %v", u, err)
	}
	if u, err := s.Verify("Alice", "correct horse battery"); err != nil || u.Name != "alice" {
		t.Fatalf("Verify is not case-insensitive on names: %+v, %v", u, err)
	}
	cases := []struct{ name, user, password string }{
		{"wrong password", "alice", "correct horse batterY"},
		{"other user's password", "alice", "staple battery horse"},
		{"unknown user", "carol", "correct horse battery"},
		{"empty", "", ""},
		{"huge password", "alice", strings.Repeat("x", 1<<20)},
		{"huge name", strings.Repeat("a", 1000), "correct horse battery"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Verify(tc.user, tc.password); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("got %v, want ErrBadCredentials", err)
			}
		})
	}
	list := s.List()
	if len(list) != 2 || list[0].Name != "alice" || list[1].Name != "bob" || list[1].Maintainer {
		t.Fatalf("List: %+v", list)
	}
	if err := s.Remove("alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Remove twice: %v", err)
	}
	if s.HasMaintainer() {
		t.Fatal("maintainer remains after removal")
	}
	if _, err := s.Verify("alice", "correct horse battery"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("removed user verified: %v", err)
	}
}

// TestSameWork checks that an unknown name, a wrong password and a damaged
// hash each cost exactly one key derivation with the same parameters.
func TestSameWork(t *testing.T) {
	s := MustOpen(t, "")
	if err := s.Add("alice", "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	var last atomic.Value
	s.kdf = func(pw, salt []byte, p params) []byte {
		calls.Add(1)
		last.Store(p)
		return argon2id(pw, salt, p)
	}
	for _, name := range []string{"alice", "nobody", "ALICE", strings.Repeat("z", 500)} {
		calls.Store(0)
		s.Verify(name, "wrong password!")
		if calls.Load() != 1 || last.Load().(params) != cheap {
			t.Errorf("Verify(%q): %d derivations with %+v, want 1 with %+v", name, calls.Load(), last.Load(), cheap)
		}
	}
}

func TestPHCRoundTrip(t *testing.T) {
	s := MustOpen(t, "")
	s.params = defaultParams
	phc := s.hash("correct horse battery")
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("PHC string %q", phc)
	}
	p, salt, key, err := decodePHC(phc)
	if err != nil || p != defaultParams || len(salt) != 16 || len(key) != 32 {
		t.Fatalf("decode: %+v %d %d %v", p, len(salt), len(key), err)
	}
	if got := encodePHC(p, salt, key); got != phc {
		t.Fatalf("re-encoded %q, want %q", got, phc)
	}
	if !s.check("correct horse battery", phc) || s.check("correct horse batter", phc) {
		t.Fatal("check disagrees with hash")
	}
	// A known answer: the argon2id test vector of golang.org/x/crypto
	// ("password", salt "somesalt", t=3, m=256 KiB, p=2, 24-byte key).
	ref := "$argon2id$v=19$m=256,t=3,p=2$c29tZXNhbHQ$RmjTCsQYfmh47t6s8P2DxaCjDbLMFu8L"
	if !s.check("password", ref) {
		t.Fatal("reference PHC string not accepted")
	}
	bad := []string{
		"",
		"$argon2i$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=16$m=65536,t=3,p=2$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=65536,t=3$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$t=3,m=65536,p=2$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=065536,t=3,p=2$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=99999999,t=3,p=2$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=65536,t=0,p=2$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=65536,t=3,p=0$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHQ=$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=65536,t=3,p=2$c2$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$Rdes",
		"$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG$",
	}
	for _, b := range bad {
		if _, _, _, err := decodePHC(b); err == nil {
			t.Errorf("decodePHC(%q) accepted", b)
		}
	}
}

func TestSessions(t *testing.T) {
	s := MustOpen(t, "")
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	s.now = func() time.Time { return now }
	for _, n := range []string{"alice", "bob"} {
		if err := s.Add(n, "correct horse battery", n == "alice"); err != nil {
			t.Fatal(err)
		}
	}
	v := s.NewSession("alice", 0)
	if u, ok := s.CheckSession(v); !ok || u.Name != "alice" || !u.Maintainer {
		t.Fatalf("fresh session: %+v %v", u, ok)
	}
	if s.NewSession("ALICE", 0) == "" || s.NewSession("carol", 0) != "" {
		t.Fatal("NewSession: wrong answer for a name's case or an unknown name")
	}
	if v2 := s.NewSession("alice", 0); v2 == v {
		t.Fatal("two sessions are equal: no nonce")
	}

	t.Run("tampered", func(t *testing.T) {
		for i := range len(v) {
			for _, c := range []byte{'A', 'b', '-', '_', '.', '|'} {
				if v[i] == c {
					continue
				}
				tv := v[:i] + string(c) + v[i+1:]
				if _, ok := s.CheckSession(tv); ok {
					t.Fatalf("tampered value %q accepted", tv)
				}
			}
		}
		if _, ok := s.CheckSession(v + "A"); ok {
			t.Fatal("appended value accepted")
		}
		if _, ok := s.CheckSession(v[:len(v)-1]); ok {
			t.Fatal("truncated value accepted")
		}
	})

	t.Run("forged for another user", func(t *testing.T) {
		p64, m64, _ := strings.Cut(v, ".")
		pb, _ := b64url.DecodeString(p64)
		forged := strings.Replace(string(pb), "alice", "bob", 1)
		if _, ok := s.CheckSession(b64url.EncodeToString([]byte(forged)) + "." + m64); ok {
			t.Fatal("payload swapped to another user accepted")
		}
	})

	t.Run("other key", func(t *testing.T) {
		other := MustOpen(t, "")
		other.Add("alice", "correct horse battery", true)
		if _, ok := other.CheckSession(v); ok {
			t.Fatal("session accepted by a store with another key")
		}
	})

	t.Run("expired", func(t *testing.T) {
		short := s.NewSession("alice", time.Hour)
		now = now.Add(time.Hour - time.Second)
		if _, ok := s.CheckSession(short); !ok {
			t.Fatal("expired early")
		}
		now = now.Add(time.Second)
		if _, ok := s.CheckSession(short); ok {
			t.Fatal("expired session accepted")
		}
		if _, ok := s.CheckSession(v); !ok {
			t.Fatal("default TTL is shorter than an hour")
		}
		now = now.Add(DefaultSessionTTL)
		if _, ok := s.CheckSession(v); ok {
			t.Fatal("session outlived the default TTL")
		}
		now = now.Add(-DefaultSessionTTL)
	})

	t.Run("end sessions", func(t *testing.T) {
		bob := s.NewSession("bob", 0)
		if err := s.EndSessions("alice"); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.CheckSession(v); ok {
			t.Fatal("session survives EndSessions")
		}
		if _, ok := s.CheckSession(bob); !ok {
			t.Fatal("EndSessions ended another user's session")
		}
		v = s.NewSession("alice", 0)
	})

	t.Run("removed and re-added", func(t *testing.T) {
		if err := s.Remove("alice"); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.CheckSession(v); ok {
			t.Fatal("session of a removed user accepted")
		}
		if err := s.Add("alice", "a new password here", false); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.CheckSession(v); ok {
			t.Fatal("session of a removed user accepted after a new account took the name")
		}
	})

	for _, g := range []string{"", ".", "a.b", "YWxpY2U.", strings.Repeat("A", 600) + "." + strings.Repeat("A", 43)} {
		if _, ok := s.CheckSession(g); ok {
			t.Errorf("garbage %q accepted", g)
		}
	}
}

func TestFilePermissions(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(t, dir)
	if err := s.Add("alice", "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"users.json", "session.key", "users.lock"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "users.json"))
	if strings.Contains(string(b), "correct horse") {
		t.Fatal("password stored in clear")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp"))
	if len(left) > 0 {
		t.Fatalf("temp files left: %v", left)
	}
}

func TestSessionKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := SessionKey(dir)
	if err != nil || len(k1) != 32 {
		t.Fatalf("%d %v", len(k1), err)
	}
	k2, _ := SessionKey(dir)
	if string(k1) != string(k2) {
		t.Fatal("key changed between calls")
	}
	os.WriteFile(filepath.Join(dir, "session.key"), []byte("short"), 0o600)
	if _, err := SessionKey(dir); err == nil {
		t.Fatal("short key accepted")
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("Open accepted a short key")
	}
}

func TestConcurrentAdd(t *testing.T) {
	dir := t.TempDir()
	// Two stores on one directory stand for the server and the CLI.
	a, b := MustOpen(t, dir), MustOpen(t, dir)
	var wg sync.WaitGroup
	errs := make(chan error, 41)
	for i := range 20 {
		for j, s := range []*Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.Add(fmt.Sprintf("user%d-%d", i, j), "correct horse battery", i == 0)
				s.List()
				s.HasMaintainer()
			}()
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Two writers race for one name: exactly one wins.
		errs <- a.Add("same", "correct horse battery", false)
	}()
	extra := b.Add("same", "correct horse battery", false)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			if !errors.Is(err, ErrExists) {
				t.Fatal(err)
			}
			failed++
		}
	}
	if extra != nil {
		failed++
	}
	if failed != 1 {
		t.Fatalf("%d Adds of one name failed, want 1", failed)
	}
	for _, s := range []*Store{a, b, MustOpen(t, dir)} {
		if got := len(s.List()); got != 41 {
			t.Fatalf("got %d users, want 41", got)
		}
	}
}

func TestOtherProcessChanges(t *testing.T) {
	dir := t.TempDir()
	server, cli := MustOpen(t, dir), MustOpen(t, dir)
	if server.HasMaintainer() {
		t.Fatal("maintainer in a fresh directory")
	}
	if err := cli.Add("alice", "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	if !server.HasMaintainer() {
		t.Fatal("server did not notice the CLI's new maintainer")
	}
	v := server.NewSession("alice", 0)
	if _, ok := server.CheckSession(v); !ok {
		t.Fatal("session rejected")
	}
	if err := cli.Remove("alice"); err != nil {
		t.Fatal(err)
	}
	if _, ok := server.CheckSession(v); ok {
		t.Fatal("server accepts the session of a user the CLI removed")
	}
}

func TestDamagedFile(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(t, dir)
	if err := s.Add("alice", "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "users.json")
	good, _ := os.ReadFile(path)
	for _, bad := range []string{"{", `{"version":2,"users":[]}`, `{"version":1,"users":[{"name":"a b","sessions":"x"}]}`,
		`{"version":1,"users":[{"name":"a","sessions":"x"},{"name":"A","sessions":"y"}]}`} {
		os.WriteFile(path, []byte(bad), 0o600)
		if _, err := Open(dir); err == nil {
			t.Errorf("Open accepted %s", bad)
		}
		// A running store keeps what it had rather than losing every account.
		if !s.HasMaintainer() {
			t.Errorf("store forgot its accounts on reading %s", bad)
		}
		if err := s.Add("bob", "correct horse battery", false); err == nil {
			t.Errorf("Add overwrote a damaged file (%s)", bad)
		}
	}
	os.WriteFile(path, good, 0o600)
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
}

// TestPasswordChecksBounded: one password check runs at a time, a few
// wait, and the rest are refused at once, so failed logins cannot take the
// server's memory (hardening item 24).
func TestPasswordChecksBounded(t *testing.T) {
	s := MustOpen(t, "")
	release := make(chan struct{})
	var running, most atomic.Int32
	s.kdf = func(password, salt []byte, p params) []byte {
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		return make([]byte, p.keyLen)
	}
	const n = 20
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := s.Verify("nobody", "wrong password here")
			errs <- err
		}()
	}
	busy := 0
	for busy < n-maxWaiting {
		if err := <-errs; errors.Is(err, ErrBusy) {
			busy++
		} else {
			t.Fatalf("got %v before the queue filled", err)
		}
	}
	close(release)
	for range maxWaiting {
		if err := <-errs; !errors.Is(err, ErrBadCredentials) {
			t.Errorf("queued check: got %v, want ErrBadCredentials", err)
		}
	}
	if most.Load() != kdfSlots {
		t.Errorf("%d password checks ran at once, want %d", most.Load(), kdfSlots)
	}
}

func TestDeviceTokens(t *testing.T) {
	s := MustOpen(t, "")
	s.kdf = func(pw, salt []byte, p params) []byte { return make([]byte, p.keyLen) }
	if err := s.Add("alice", "correct horse battery", true); err != nil {
		t.Fatal(err)
	}
	tok := s.NewDevice("alice")
	if !s.KnownDevice(tok, "alice") || !s.KnownDevice(tok, "ALICE") {
		t.Fatal("a fresh token is not known")
	}
	if s.KnownDevice(tok, "bob") || s.KnownDevice(tok+"x", "alice") || s.KnownDevice("", "alice") {
		t.Fatal("a token passed for another name, or a forged one passed")
	}
	if s.NewDevice("nobody") != "" {
		t.Fatal("a token for a missing account")
	}
	s.now = func() time.Time { return time.Now().Add(DeviceTTL + time.Hour) }
	if s.KnownDevice(tok, "alice") {
		t.Fatal("an expired token is known")
	}
}
