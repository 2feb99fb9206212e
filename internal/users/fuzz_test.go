package users

import (
	"strings"
	"testing"
)

// FuzzCheckSession feeds arbitrary cookie values to CheckSession. The store
// has issued exactly one session, so that value is the only one any input
// may be accepted as: not a re-encoding of it, and no forgery.
func FuzzCheckSession(f *testing.F) {
	s := MustOpen(f, "")
	if err := s.Add("alice", "correct horse battery", true); err != nil {
		f.Fatal(err)
	}
	valid := s.NewSession("alice", 0)
	p64, m64, _ := strings.Cut(valid, ".")
	for _, seed := range []string{
		valid,
		valid[:len(valid)-1],
		valid + "=",
		p64 + "." + p64,
		m64 + "." + p64,
		strings.ToUpper(valid),
		p64 + ".." + m64,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		u, ok := s.CheckSession(v)
		if !ok {
			if u != (User{}) {
				t.Fatalf("rejected %q but returned %+v", v, u)
			}
			return
		}
		if v != valid {
			t.Fatalf("accepted %q, which was never issued", v)
		}
		if u.Name != "alice" || !u.Maintainer {
			t.Fatalf("accepted the session as %+v", u)
		}
	})
}
