package smarthttp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitwiki/gitwiki/internal/store"
)

// The checks here are those of C git's fsck as receive.fsckObjects runs
// it (warnings count as errors there, so they do here): a tree whose
// checkout would write into .git on some file system, or that C git
// itself would refuse to clone with transfer.fsckObjects, never enters the
// repository. Stricter than git in one way: submodules are not part of a
// wiki, so a .gitmodules file is refused rather than parsed.

// CheckObject applies the checks pushes get to an object fetched from an
// upstream (internal/store/remote's Options.CheckObject), so a host that
// was taken over cannot slip in what a push would be refused for.
func CheckObject(kind store.ObjectKind, raw []byte) error {
	if _, reason := checkObject(kind, raw); reason != "" {
		return errors.New(reason)
	}
	return nil
}

// checkObject checks a commit, tree or tag and returns the ids it names.
// reason is empty for a good object, else one sentence on what is wrong.
func checkObject(kind store.ObjectKind, raw []byte) (links []plumbing.Hash, reason string) {
	switch kind {
	case store.KindTree:
		return checkTree(raw)
	case store.KindCommit:
		return checkCommit(raw)
	case store.KindTag:
		return checkTag(raw)
	}
	return nil, ""
}

// treeEntry is one parsed entry of a tree.
type treeEntry struct {
	mode, name string
	id         plumbing.Hash
}

func (e treeEntry) isDir() bool { return e.mode == "40000" }

// sortKey is the entry's name as git orders it: a folder as if it ended in "/".
func (e treeEntry) sortKey() string {
	if e.isDir() {
		return e.name + "/"
	}
	return e.name
}

// goodModes are the modes fsck --strict accepts.
var goodModes = map[string]bool{"100644": true, "100755": true, "120000": true, "40000": true, "160000": true}

func checkTree(raw []byte) ([]plumbing.Hash, string) {
	var links []plumbing.Hash
	names := map[string]bool{}
	prev := ""
	for b := raw; len(b) > 0; {
		e, rest, ok := nextTreeEntry(b)
		if !ok {
			return nil, "malformed tree"
		}
		b = rest
		if why := checkEntryName(e.name); why != "" {
			return nil, why
		}
		switch {
		case !goodModes[e.mode]:
			return nil, fmt.Sprintf("entry %q has a bad file mode %.10q", e.name, e.mode)
		case e.id.IsZero():
			return nil, fmt.Sprintf("entry %q has a null object id", e.name)
		case names[e.name]:
			return nil, fmt.Sprintf("duplicate entry %q", e.name)
		case prev != "" && e.sortKey() <= prev:
			return nil, "entries are not in git's order"
		}
		names[e.name] = true
		prev = e.sortKey()
		if e.mode != "160000" { // a submodule's commit lives elsewhere
			links = append(links, e.id)
		}
	}
	return links, ""
}

// nextTreeEntry parses "<mode> <name>\0<20-byte id>".
func nextTreeEntry(b []byte) (treeEntry, []byte, bool) {
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 {
		return treeEntry{}, nil, false
	}
	nul := bytes.IndexByte(b[sp+1:], 0)
	if nul < 0 || len(b) < sp+1+nul+1+20 {
		return treeEntry{}, nil, false
	}
	e := treeEntry{mode: string(b[:sp]), name: string(b[sp+1 : sp+1+nul])}
	copy(e.id[:], b[sp+1+nul+1:])
	return e, b[sp+1+nul+1+20:], true
}

// checkEntryName refuses the names fsck reports as emptyName, fullPathname,
// hasDot, hasDotdot and hasDotgit, and .gitmodules. Each part of a name
// with backslashes is checked too, as Windows splits it there.
func checkEntryName(name string) string {
	switch {
	case name == "":
		return "an entry has an empty name"
	case strings.Contains(name, "/"):
		return fmt.Sprintf("entry %q has a '/' in its name", name)
	case name == "." || name == "..":
		return fmt.Sprintf("an entry is named %q", name)
	}
	for _, p := range strings.Split(name, `\`) {
		if isDotGit(p) {
			return fmt.Sprintf("entry %q is git's own folder, or a Windows or macOS alias of it", name)
		}
		if isDotGitModules(p) {
			return fmt.Sprintf("entry %q is a .gitmodules file; submodules are not accepted", name)
		}
	}
	return ""
}

func isDotGit(name string) bool {
	return strings.EqualFold(name, ".git") || isNTFSDotGit(name) || isHFSDot(name, "git")
}

func isDotGitModules(name string) bool {
	return isNTFSDot(name, "gitmodules", "gi7eba") || isHFSDot(name, "gitmodules")
}

// isNTFSDotGit is C git's is_ntfs_dotgit: ".git" or its short name "git~1",
// in any case, followed only by spaces and dots (which Windows drops), or
// by ":" (an alternate data stream of the folder).
func isNTFSDotGit(name string) bool {
	var rest string
	switch l := strings.ToLower(name); {
	case strings.HasPrefix(l, ".git"):
		rest = name[4:]
	case strings.HasPrefix(l, "git~1"):
		rest = name[5:]
	default:
		return false
	}
	return onlySpacesAndDots(rest)
}

// onlySpacesAndDots reports whether s is spaces and dots up to its end or
// to a ':'.
func onlySpacesAndDots(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ':':
			return true
		case ' ', '.':
		default:
			return false
		}
	}
	return true
}

// isNTFSDot is C git's is_ntfs_dot_generic: "." + needle, the short name
// (its first six letters, "~" and 1 to 4), or the fallback short name
// (a prefix of the hashed short name, "~" and digits), each followed only
// by spaces and dots.
func isNTFSDot(name, needle, shortPrefix string) bool {
	l := strings.ToLower(name)
	if strings.HasPrefix(l, "."+needle) {
		return onlySpacesAndDots(name[len(needle)+1:])
	}
	if len(l) >= 8 && l[:6] == needle[:6] && l[6] == '~' && l[7] >= '1' && l[7] <= '4' {
		return onlySpacesAndDots(name[8:])
	}
	sawTilde := false
	i := 0
	for ; i < 8; i++ {
		if i >= len(name) {
			return false
		}
		c := name[i]
		switch {
		case sawTilde:
			if c < '0' || c > '9' {
				return false
			}
		case c == '~':
			i++
			if i >= len(name) || name[i] < '1' || name[i] > '9' {
				return false
			}
			sawTilde = true
		case i >= 6 || c >= 0x80:
			return false
		case lower(c) != shortPrefix[i]:
			return false
		}
	}
	return onlySpacesAndDots(name[i:])
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isHFSDot is C git's is_hfs_dot_generic: "." + needle once the code
// points HFS+ ignores are dropped, in any case.
func isHFSDot(name, needle string) bool {
	var kept []rune
	for i := 0; i < len(name); {
		r, n := utf8.DecodeRuneInString(name[i:])
		if r == utf8.RuneError && n <= 1 {
			return false // not UTF-8, so not a name HFS+ would fold
		}
		i += n
		if !hfsIgnorable(r) {
			kept = append(kept, r)
		}
	}
	s := string(kept)
	return len(s) == len(needle)+1 && s[0] == '.' && strings.EqualFold(s[1:], needle)
}

func hfsIgnorable(r rune) bool {
	return 0x200c <= r && r <= 0x200f || 0x202a <= r && r <= 0x202e || 0x206a <= r && r <= 0x206f || r == 0xfeff
}

// headers splits a commit or tag into its header lines; ok is false when
// the header has a NUL or does not end with a blank line or the end of a
// line, as fsck's verify_headers requires.
func headers(raw []byte) (lines []string, ok bool) {
	end := bytes.Index(raw, []byte("\n\n"))
	head := raw
	if end >= 0 {
		head = raw[:end+1]
	} else if len(raw) == 0 || raw[len(raw)-1] != '\n' {
		return nil, false
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, false
	}
	return strings.Split(strings.TrimSuffix(string(head), "\n"), "\n"), true
}

func checkCommit(raw []byte) ([]plumbing.Hash, string) {
	if bytes.IndexByte(raw, 0) >= 0 {
		return nil, "malformed commit: a NUL byte"
	}
	lines, ok := headers(raw)
	if !ok {
		return nil, "malformed commit: unterminated header"
	}
	var links []plumbing.Hash
	i := 0
	next := func(key string) (string, bool) {
		if i < len(lines) && strings.HasPrefix(lines[i], key+" ") {
			i++
			return lines[i-1][len(key)+1:], true
		}
		return "", false
	}
	tree, ok := next("tree")
	if !ok {
		return nil, "malformed commit: no tree"
	}
	h, ok := parseHex(tree)
	if !ok {
		return nil, "malformed commit: bad tree id"
	}
	links = append(links, h)
	for {
		p, ok := next("parent")
		if !ok {
			break
		}
		h, ok := parseHex(p)
		if !ok {
			return nil, "malformed commit: bad parent id"
		}
		links = append(links, h)
	}
	author, ok := next("author")
	if !ok {
		return nil, "malformed commit: no author"
	}
	if why := checkIdent(author); why != "" {
		return nil, "malformed commit: author " + why
	}
	if _, dup := next("author"); dup {
		return nil, "malformed commit: more than one author"
	}
	committer, ok := next("committer")
	if !ok {
		return nil, "malformed commit: no committer"
	}
	if why := checkIdent(committer); why != "" {
		return nil, "malformed commit: committer " + why
	}
	return links, ""
}

func checkTag(raw []byte) ([]plumbing.Hash, string) {
	lines, ok := headers(raw)
	if !ok {
		return nil, "malformed tag: unterminated header"
	}
	field := func(i int, key string) (string, bool) {
		if i < len(lines) && strings.HasPrefix(lines[i], key+" ") {
			return lines[i][len(key)+1:], true
		}
		return "", false
	}
	obj, ok := field(0, "object")
	if !ok {
		return nil, "malformed tag: no object"
	}
	h, ok := parseHex(obj)
	if !ok {
		return nil, "malformed tag: bad object id"
	}
	switch typ, _ := field(1, "type"); typ {
	case "commit", "tree", "blob", "tag":
	default:
		return nil, "malformed tag: bad or missing type"
	}
	if _, ok := field(2, "tag"); !ok {
		return nil, "malformed tag: no tag name"
	}
	if tagger, ok := field(3, "tagger"); ok {
		if why := checkIdent(tagger); why != "" {
			return nil, "malformed tag: tagger " + why
		}
	}
	return []plumbing.Hash{h}, ""
}

// checkIdent is fsck_ident: "Name <email> 1234567890 +0000".
func checkIdent(s string) string {
	lt := strings.IndexAny(s, "<>")
	switch {
	case strings.HasPrefix(s, "<"):
		return "has no name before the email"
	case lt < 0 || s[lt] == '>':
		return "has a bad or missing email"
	case s[lt-1] != ' ':
		return "has no space before the email"
	}
	rest := s[lt+1:]
	gt := strings.IndexAny(rest, "<>")
	if gt < 0 || rest[gt] != '>' {
		return "has a bad email"
	}
	rest = rest[gt+1:]
	if !strings.HasPrefix(rest, " ") {
		return "has no space before the date"
	}
	date, zone, ok := strings.Cut(rest[1:], " ")
	if !ok || date == "" || len(date) > 1 && date[0] == '0' {
		return "has a bad date"
	}
	if _, err := strconv.ParseUint(date, 10, 63); err != nil {
		return "has a bad date"
	}
	if len(zone) != 5 || zone[0] != '+' && zone[0] != '-' || strings.Trim(zone[1:], "0123456789") != "" {
		return "has a bad time zone"
	}
	return ""
}

// parseHex reads a full hex id.
func parseHex(s string) (plumbing.Hash, bool) {
	var h plumbing.Hash
	if len(s) != 40 {
		return h, false
	}
	_, err := hex.Decode(h[:], []byte(s))
	return h, err == nil
}
