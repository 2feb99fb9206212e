package smarthttp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
)

// infiniteDepth is what "git fetch --unshallow" asks for.
const infiniteDepth = 1<<31 - 1

// uploadRequest is one stateless upload-pack request of protocol v0:
//
//	want <id> <capabilities>
//	want <id>...
//	shallow <id>...      the client's shallow commits
//	deepen <n>           optional
//	flush
//	have <id>...         optional
//	flush | done         or the end of the body right after the first flush
type uploadRequest struct {
	wants    []plumbing.Hash // in order, without duplicates
	caps     *capability.List
	shallows []plumbing.Hash
	depth    int // 0: no deepening
	haves    []plumbing.Hash
	// done asks for the pack; otherwise the client wants ACKs and NAK
	// and will send more haves.
	done bool
	// wantsOnly is a request that ends after the first flush: a client
	// that deepens asks for the shallow list alone first.
	wantsOnly bool

	maxWants, maxHaves int
}

func (u *uploadRequest) deepens() bool { return u.depth > 0 }

// relative reports whether depth counts from the client's shallow commits.
func (u *uploadRequest) relative() bool { return u.caps.Supports(capability.DeepenRelative) }

// errBadRequest prefixes what is wrong with a request's syntax.
var errBadRequest = errors.New("bad upload request")

// parseUploadRequest reads a request, refusing one with more distinct
// wants, shallow lines or haves than opts allow: each costs a lookup at
// least, and the body may be megabytes of them.
func parseUploadRequest(body io.Reader, opts Options) (*uploadRequest, error) {
	u := &uploadRequest{caps: capability.NewList(), maxWants: opts.MaxWants, maxHaves: opts.MaxHaves}
	sc := pktline.NewScanner(body)
	seen := map[plumbing.Hash]bool{}
	if err := u.parseWants(sc, seen); err != nil {
		return nil, err
	}
	if len(u.wants) == 0 {
		return nil, fmt.Errorf("%w: no wants", errBadRequest)
	}
	return u, u.parseHaves(sc)
}

func (u *uploadRequest) parseWants(sc *pktline.Scanner, seen map[plumbing.Hash]bool) error {
	for first := true; ; first = false {
		line, err := nextLine(sc)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil // flush
		}
		key, arg, _ := bytes.Cut(line, []byte(" "))
		switch string(key) {
		case "want":
			h, rest, err := parseID(arg)
			if err != nil {
				return err
			}
			if first && len(rest) > 0 {
				if err := u.parseCaps(bytes.TrimPrefix(rest, []byte(" "))); err != nil {
					return err
				}
			}
			if !seen[h] {
				seen[h] = true
				u.wants = append(u.wants, h)
			}
			if len(u.wants) > u.maxWants {
				return fmt.Errorf("upload-pack: too many wants (more than %d); fetch fewer refs at once", u.maxWants)
			}
		case "shallow":
			h, _, err := parseID(arg)
			if err != nil {
				return err
			}
			u.shallows = append(u.shallows, h)
			if len(u.shallows) > u.maxWants {
				return fmt.Errorf("upload-pack: too many shallow lines (more than %d)", u.maxWants)
			}
		case "deepen":
			n, err := strconv.Atoi(string(arg))
			if err != nil || n <= 0 {
				return fmt.Errorf("%w: invalid deepen %.40q", errBadRequest, arg)
			}
			u.depth = n
		case "deepen-since", "deepen-not", "filter":
			return fmt.Errorf("%s is not supported; use --depth", key)
		default:
			return fmt.Errorf("%w: unexpected line %.60q", errBadRequest, line)
		}
	}
}

func (u *uploadRequest) parseCaps(raw []byte) error {
	if err := u.caps.Decode(raw); err != nil {
		return fmt.Errorf("%w: capabilities: %v", errBadRequest, err)
	}
	for _, c := range u.caps.All() {
		if !accepts(uploadCaps, c) {
			return fmt.Errorf("unsupported capability %s", c)
		}
	}
	return nil
}

// parseHaves reads the negotiation after the wants: "have" lines ending with
// a flush (more rounds to come) or "done". The end of the body right after
// the wants asks for the shallow list alone; elsewhere it counts as done.
func (u *uploadRequest) parseHaves(sc *pktline.Scanner) error {
	seen := map[plumbing.Hash]bool{}
	for n := 0; ; n++ {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return fmt.Errorf("%w: %v", errBadRequest, err)
			}
			u.wantsOnly = n == 0
			u.done = n > 0
			return nil
		}
		line := bytes.TrimSuffix(sc.Bytes(), []byte("\n"))
		switch {
		case len(line) == 0:
			return nil
		case string(line) == "done":
			u.done = true
			return nil
		case bytes.HasPrefix(line, []byte("have ")):
			h, _, err := parseID(line[5:])
			if err != nil {
				return err
			}
			if !seen[h] {
				seen[h] = true
				u.haves = append(u.haves, h)
			}
			if len(u.haves) > u.maxHaves {
				return fmt.Errorf("upload-pack: too many haves (more than %d) in one request", u.maxHaves)
			}
		default:
			return fmt.Errorf("%w: unexpected line %.60q", errBadRequest, line)
		}
	}
}

func nextLine(sc *pktline.Scanner) ([]byte, error) {
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%w: %v", errBadRequest, err)
		}
		return nil, fmt.Errorf("%w: unexpected end", errBadRequest)
	}
	line := bytes.TrimSuffix(sc.Bytes(), []byte("\n"))
	if len(line) == 0 && len(sc.Bytes()) != 0 {
		return nil, fmt.Errorf("%w: empty line", errBadRequest)
	}
	return line, nil
}

// parseID reads a full hex object id at the start of b.
func parseID(b []byte) (plumbing.Hash, []byte, error) {
	var h plumbing.Hash
	if len(b) < 40 || len(b) > 40 && b[40] != ' ' {
		return h, nil, fmt.Errorf("%w: bad object id %.50q", errBadRequest, b)
	}
	if _, err := hex.Decode(h[:], b[:40]); err != nil {
		return h, nil, fmt.Errorf("%w: bad object id %.50q", errBadRequest, b)
	}
	return h, b[40:], nil
}
