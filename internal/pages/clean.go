// Package pages turns what people submit into commits: it cleans a
// submission, checks it against the revision the editor loaded, merges it
// three ways with whatever changed meanwhile, and writes it with a
// compare-and-swap. Nothing a person typed is lost: every failure returns
// their text.
package pages

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// MaxPageBytes bounds a submitted page.
const MaxPageBytes = 1 << 20

// Problem is a submission that cannot be accepted as it is. Field names the
// form field at fault, Kind what sort of refusal it is, and Reason tells the
// person what to change.
type Problem struct {
	Field  string
	Kind   Kind
	Reason string
	// Key names the sentence in the theme's catalog (problem.<key>), and
	// Args are its name-value pairs, so the web says Reason in the
	// reader's language.
	Key  string
	Args []any
	// Attachment names the uploaded file at fault, which the editor drops.
	Attachment string
}

func (p *Problem) Error() string { return p.Reason }

// Kind sorts refusals, so that transports can answer each in their own terms.
type Kind int

const (
	Invalid     Kind = iota + 1 // breaks a rule for its field
	TooLarge                    // over a size limit
	Unsupported                 // a file of a kind the wiki does not take
	Exists                      // something is in the way at that path
	Gone                        // what it changes is no longer there
	Unresolved                  // the text still holds conflict markers
)

// Submission is an edit as it arrives from the editor.
type Submission struct {
	Page    wikipath.Page
	Title   string // sets the front matter title; "" leaves it alone
	Content string
	// Fields, when set, say Content is the page's body only: the fields
	// and FrontMatter, the block the editor loaded, make the rest of it
	// (Service.JoinDraft). Title is not used then.
	Fields      *Fields
	FrontMatter string
	// Section, when above 0, says Content is only that section of the page
	// as it was at Base (render.Sections numbers them); saving puts it
	// back in its place.
	Section int
	Summary string
	Base    string // the commit the editor loaded
	Name    string
	Email   string
	Uploads []Upload // files to store next to the page, in the same commit
	// Propose asks for a proposal where the policy would commit directly
	// (a maintainer asking for review).
	Propose bool
	// Proposal and Token revise open proposal N instead.
	Proposal int
	Token    string
	// Cleaned says the person has seen what cleaning removes and saves anyway.
	Cleaned bool
	// TranslationOf, when set, is the source revision a translator brought
	// the page up to date with: it is written into the front matter as
	// translationOf, so the wiki knows the translation is current.
	TranslationOf string
}

// Anonymous is the identity of contributors who give none.
var Anonymous = store.Signature{Name: "Anonymous", Email: "anonymous@invalid"}

// WikiCommitter commits on behalf of everyone who writes through the web;
// the person is the author.
var WikiCommitter = store.Signature{Name: "gitwiki", Email: "gitwiki@invalid"}

// accountDomain marks the email of an author the wiki has verified: it is
// given to edits made from an account, and refused from anyone who types
// it. Merges made before accounts had it used maintainerDomain.
const (
	accountDomain    = "@accounts.invalid"
	maintainerDomain = "@maintainers.invalid"
)

// AccountIdentity is the author of what an account writes.
func AccountIdentity(name string) store.Signature {
	return store.Signature{Name: name, Email: name + accountDomain}
}

// Verified reports whether the wiki knows who wrote a commit: anything it
// committed for a person without an account carries a name they typed,
// which anyone could type. Commits pushed with git are a maintainer's
// push, and count as theirs.
func Verified(author, committer store.Signature) bool {
	if committer.Email != WikiCommitter.Email || author.Email == WikiCommitter.Email {
		return true // pushed, or written by the wiki itself (its starter pages)
	}
	return IsAccountEmail(author.Email)
}

// reserved reports whether a typed email is in the .invalid domain, where
// the wiki's own identities live (accounts, the wiki itself, anonymous):
// nobody can receive mail there, so nobody needs to type one.
func reserved(email string) bool {
	e := strings.ToLower(email)
	return strings.HasSuffix(e, "@invalid") || strings.HasSuffix(e, ".invalid")
}

// IsAccountEmail reports whether email is one the wiki gives accounts.
func IsAccountEmail(email string) bool {
	e := strings.ToLower(email)
	return strings.HasSuffix(e, accountDomain) || strings.HasSuffix(e, maintainerDomain)
}

// cleanText enforces DESIGN's rules for submitted text: valid UTF-8, LF line
// endings, no control characters but tab and newline, within the size limit.
func cleanText(field, s string, limit int) (string, error) {
	if len(s) > limit {
		return "", problem(field, TooLarge, "text_too_long", "Size", len(s), "Limit", limit)
	}
	if !utf8.ValidString(s) {
		return "", problem(field, Invalid, "not_utf8")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	line := 1
	for _, r := range s {
		if r == '\n' {
			line++
			continue
		}
		if r == '\t' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\ufeff' && line > 1 {
			return "", problem(field, Invalid, "control_char", "Line", line, "Code", fmt.Sprintf("%04X", r))
		}
	}
	return strings.TrimPrefix(s, "\ufeff"), nil
}

// oneLine cleans a single-line field such as the summary or a title.
func oneLine(field, s string, limit int) (string, error) {
	s, err := cleanText(field, s, 4*limit)
	if err != nil {
		return "", err
	}
	if strings.Contains(s, "\n") {
		return "", problem(field, Invalid, "single_line")
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > limit {
		return "", problem(field, Invalid, "field_too_long", "Limit", limit)
	}
	return s, nil
}

// Identity makes a safe git identity of what a contributor typed. Git would
// accept a name with "<" or a newline and write a corrupt or misleading
// author line; such input is refused or stripped instead.
func Identity(name, email string) (store.Signature, error) {
	if strings.ContainsAny(name, "\r\n") {
		return store.Signature{}, problem("name", Invalid, "name_newline")
	}
	if strings.ContainsAny(email, "\r\n") {
		return store.Signature{}, problem("email", Invalid, "email_newline")
	}
	n, err := oneLine("name", name, 100)
	if err != nil {
		return store.Signature{}, err
	}
	n = strings.Map(func(r rune) rune {
		if r == '<' || r == '>' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, n)
	n = strings.TrimSpace(strings.Trim(n, ".,:;\"'"))
	e := strings.TrimSpace(email)
	if e != "" {
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != e || strings.ContainsAny(e, "<> \t") || len(e) > 254 {
			return store.Signature{}, problem("email", Invalid, "bad_email", "Email", e)
		}
		if reserved(e) {
			return store.Signature{}, problem("email", Invalid, "reserved_email", "Example", "name"+accountDomain)
		}
	}
	switch {
	case n == "" && e == "":
		return Anonymous, nil
	case n == "":
		n = "Anonymous"
	case e == "":
		e = "anonymous@invalid"
	}
	return store.Signature{Name: n, Email: e}, nil
}

// ErrUnknownBase means the editor's base revision is not a commit of this
// wiki, so the edit cannot be placed in history.
var ErrUnknownBase = errors.New("unknown base revision")

func parseBase(s string) (store.Hash, error) {
	s = strings.TrimSpace(s)
	h, err := store.ParseHash(s)
	if err != nil {
		return store.ZeroHash, problem("base", Invalid, "bad_base", "Base", truncate(s, 50))
	}
	return h, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// normalizeNewline ends a page with exactly one newline, as editors do.
// normalizeText is what saving does to the line endings of a text, for
// texts read from git, which may have arrived by push.
func normalizeText(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return normalizeNewline(b)
}

func normalizeNewline(b []byte) []byte {
	b = bytes.TrimRight(b, "\n")
	if len(b) == 0 {
		return b
	}
	return append(b, '\n')
}
