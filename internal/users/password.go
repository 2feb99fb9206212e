package users

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// params are argon2id's cost settings. The defaults are RFC 9106's second
// recommendation (64 MiB, 3 passes); OWASP's minimum is lower.
type params struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	keyLen  uint32
}

var defaultParams = params{memory: 64 * 1024, time: 3, threads: 2, keyLen: 32}

const saltLen = 16

// Bounds on what a stored hash may ask for, so a damaged or hostile
// users.json cannot make one login take gigabytes or minutes.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 64
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

var b64 = base64.RawStdEncoding.Strict()

func argon2id(password, salt []byte, p params) []byte {
	return argon2.IDKey(password, salt, p.time, p.memory, p.threads, p.keyLen)
}

// derive runs the key derivation function within the store's memory budget.
func (s *Store) derive(password, salt []byte, p params) []byte {
	s.slots <- struct{}{}
	defer func() { <-s.slots }()
	return s.kdf(password, salt, p)
}

// hash returns the PHC string of a new hash of password:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<key>, base64 without padding.
func (s *Store) hash(password string) string {
	salt := randomBytes(saltLen)
	key := s.derive([]byte(password), salt, s.params)
	return encodePHC(s.params, salt, key)
}

func encodePHC(p params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("users: stored password hash is not an argon2id PHC string this version understands")

// decodePHC parses what encodePHC writes, and nothing looser.
func decodePHC(s string) (params, []byte, []byte, error) {
	var p params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var m, t, th uint64
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, errBadHash
	}
	for i, dst := range []*uint64{&m, &t, &th} {
		want := []string{"m=", "t=", "p="}[i]
		v, ok := strings.CutPrefix(kv[i], want)
		if !ok {
			return p, nil, nil, errBadHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || strconv.FormatUint(n, 10) != v {
			return p, nil, nil, errBadHash
		}
		*dst = n
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return p, nil, nil, errBadHash
	}
	switch {
	case th < 1 || th > 255, t < 1 || t > maxTime, m < 8*th || m > maxMemory,
		len(salt) < minSaltLen || len(salt) > maxSaltLen, len(key) < minKeyLen || len(key) > maxKeyLen:
		return p, nil, nil, errBadHash
	}
	p = params{memory: uint32(m), time: uint32(t), threads: uint8(th), keyLen: uint32(len(key))}
	return p, salt, key, nil
}

// check compares password with a stored PHC string in constant time.
func (s *Store) check(password, phc string) bool {
	p, salt, want, err := decodePHC(phc)
	if err != nil {
		s.dummyWork(password)
		return false
	}
	got := s.derive([]byte(password), salt, p)
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyWork costs what checking a real password costs.
func (s *Store) dummyWork(password string) {
	if len(password) > MaxPasswordBytes {
		password = password[:MaxPasswordBytes]
	}
	s.derive([]byte(password), s.dummySalt, s.params)
}
