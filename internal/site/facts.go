package site

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/store"
)

// The facts cache keeps what the read model needs from each page's blob
// (its render.Summary: title, links, front matter, headings, text) on disk
// in DATA, keyed by blob and file, so that a restart reads and parses only
// the pages that changed since the cache last saw them. It is a cache:
// deleting it loses nothing, a file written by another version of the
// program is ignored, and a damaged one is read up to the damage and
// rewritten.
//
// The file is a header, then records appended as pages are summarized:
//
//	header: "gitwiki site facts\n" uvarint(factsFormat) string(identity)
//	record: uvarint(len(payload)) payload crc32(payload, little endian)
//	payload: blob[20] string(file) summary
//
// Strings are a uvarint length and the bytes.

const (
	factsMagic  = "gitwiki site facts\n"
	factsFormat = 1
	factsFile   = "facts"
	// maxFactRecord bounds one record: a summary holds at most a page's
	// text, which is at most MaxPageBytes.
	maxFactRecord = 3 * MaxPageBytes
)

// errUncacheable marks a summary whose front matter holds a value the
// cache cannot write back as it was (a TOML local date, say): such a
// page is summarized again at each start.
var errUncacheable = errors.New("front matter value not cacheable")

type factKey struct {
	blob store.Hash
	file string
}

// facts is the cache: an index of the records in the file, and the
// summaries read at start until the first load has taken them.
type facts struct {
	mu      sync.Mutex
	dir     string
	f       *os.File // nil when the cache could not be opened: it is then off
	size    int64    // where the next record goes
	at      map[factKey]int64
	loaded  map[factKey]*render.Summary // read at open, dropped after the first load
	records int
}

// openFacts opens or creates the cache in dir. A cache that cannot be
// used is recreated; one that cannot be created leaves the cache off,
// which costs time, not correctness.
func openFacts(dir string) (*facts, error) {
	fc := &facts{dir: dir, at: map[factKey]int64{}, loaded: map[factKey]*render.Summary{}}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fc, fmt.Errorf("facts cache: %w", err)
	}
	name := filepath.Join(dir, factsFile)
	b, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fc, fmt.Errorf("facts cache: %w", err)
	}
	good := fc.read(b)
	if good == 0 {
		return fc, fc.recreate()
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0o600)
	if err != nil {
		return fc, fmt.Errorf("facts cache: %w", err)
	}
	if good < int64(len(b)) {
		// Damaged or cut short: keep what precedes the damage.
		if err := f.Truncate(good); err != nil {
			f.Close()
			return fc, fmt.Errorf("facts cache: %w", err)
		}
	}
	fc.f, fc.size = f, good
	return fc, nil
}

func header() []byte {
	b := []byte(factsMagic)
	b = binary.AppendUvarint(b, factsFormat)
	return appendString(b, identity())
}

// read indexes the records of b and keeps their summaries; it returns the
// length of the good prefix, 0 when the header is not this version's.
func (fc *facts) read(b []byte) int64 {
	h := header()
	if len(b) < len(h) || string(b[:len(h)]) != string(h) {
		return 0
	}
	off := len(h)
	for off < len(b) {
		n, k := binary.Uvarint(b[off:])
		if k <= 0 || n > maxFactRecord || uint64(len(b)-off-k) < n+4 {
			break
		}
		payload := b[off+k : off+k+int(n)]
		if crc32.ChecksumIEEE(payload) != binary.LittleEndian.Uint32(b[off+k+int(n):]) {
			break
		}
		key, sum, err := decodeFact(payload, false)
		if err != nil {
			break
		}
		fc.at[key] = int64(off)
		fc.loaded[key] = sum
		fc.records++
		off += k + int(n) + 4
	}
	return int64(off)
}

// recreate starts an empty cache file, replacing any other.
func (fc *facts) recreate() error {
	if fc.f != nil {
		fc.f.Close()
		fc.f = nil
	}
	name := filepath.Join(fc.dir, factsFile)
	tmp := name + ".new"
	h := header()
	if err := os.WriteFile(tmp, h, 0o600); err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	fc.f, fc.size, fc.records = f, int64(len(h)), 0
	clear(fc.at)
	return nil
}

// get finds a page's summary: read at open, or read from the file.
func (fc *facts) get(blob store.Hash, file string) (*render.Summary, bool) {
	if fc == nil {
		return nil, false
	}
	k := factKey{blob, file}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if s, ok := fc.loaded[k]; ok {
		return s, true
	}
	off, ok := fc.at[k]
	if !ok || fc.f == nil {
		return nil, false
	}
	s, err := fc.readAt(off, false)
	if err != nil {
		delete(fc.at, k)
		return nil, false
	}
	return s, true
}

// text reads the text of a page's summary back from the file; false when
// the cache no longer holds it.
func (fc *facts) text(blob store.Hash, file string) (string, bool) {
	if fc == nil {
		return "", false
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	off, ok := fc.at[factKey{blob, file}]
	if !ok || fc.f == nil {
		return "", false
	}
	s, err := fc.readAt(off, true)
	if err != nil {
		return "", false
	}
	return s.Text, true
}

// holds reports whether the file holds a page's record.
func (fc *facts) holds(blob store.Hash, file string) bool {
	if fc == nil {
		return false
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	_, ok := fc.at[factKey{blob, file}]
	return ok && fc.f != nil
}

func (fc *facts) readAt(off int64, withText bool) (*render.Summary, error) {
	payload, err := fc.recordAt(off)
	if err != nil {
		return nil, err
	}
	_, s, err := decodeFact(payload, withText)
	return s, err
}

// recordAt reads and checks the payload of the record at off.
func (fc *facts) recordAt(off int64) ([]byte, error) {
	var head [binary.MaxVarintLen64]byte
	n, err := fc.f.ReadAt(head[:], off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	size, k := binary.Uvarint(head[:n])
	if k <= 0 || size > maxFactRecord {
		return nil, errors.New("bad record")
	}
	rec := make([]byte, int(size)+4)
	if _, err := fc.f.ReadAt(rec, off+int64(k)); err != nil {
		return nil, err
	}
	payload := rec[:size]
	if crc32.ChecksumIEEE(payload) != binary.LittleEndian.Uint32(rec[size:]) {
		return nil, errors.New("bad record")
	}
	return payload, nil
}

// put appends the summaries of pages just read. Write errors turn the
// cache off rather than fail a load.
func (fc *facts) put(pages []*Page) {
	if fc == nil || len(pages) == 0 {
		return
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.f == nil {
		return
	}
	w := bufio.NewWriterSize(io.NewOffsetWriter(fc.f, fc.size), 256<<10)
	off := fc.size
	var payload []byte
	for _, p := range pages {
		k := factKey{p.Blob, p.File}
		if _, ok := fc.at[k]; ok || p.Summary == nil {
			continue
		}
		var err error
		if payload, err = encodeFact(payload[:0], k, p.Summary); err != nil {
			continue
		}
		rec := binary.AppendUvarint(nil, uint64(len(payload)))
		rec = append(rec, payload...)
		rec = binary.LittleEndian.AppendUint32(rec, crc32.ChecksumIEEE(payload))
		if _, err := w.Write(rec); err != nil {
			fc.off()
			return
		}
		fc.at[k] = off
		off += int64(len(rec))
		fc.records++
	}
	if err := w.Flush(); err != nil {
		fc.off()
		return
	}
	fc.size = off
}

func (fc *facts) off() {
	fc.f.Close()
	fc.f = nil
	clear(fc.at)
}

// settle is called once the head's model holds what it needs: the
// summaries read at open are let go (the model keeps its own), and a file
// holding far more records than live pages is rewritten with the live
// ones only.
func (fc *facts) settle(live []*Page) {
	if fc == nil {
		return
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.loaded = nil
	if fc.f != nil && fc.records > 2*len(live)+1024 {
		if err := fc.compact(live); err != nil {
			fc.off()
		}
	}
}

// compact rewrites the file with the records of live pages only, copied
// as they are: the summaries in memory lack their text, which the records
// hold.
func (fc *facts) compact(live []*Page) error {
	name := filepath.Join(fc.dir, factsFile)
	tmp, err := os.OpenFile(name+".new", os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(tmp, 256<<10)
	h := header()
	w.Write(h)
	at, off := map[factKey]int64{}, int64(len(h))
	for _, p := range live {
		k := factKey{p.Blob, p.File}
		old, ok := fc.at[k]
		if _, done := at[k]; !ok || done {
			continue
		}
		payload, err := fc.recordAt(old)
		if err != nil {
			continue
		}
		rec := binary.AppendUvarint(nil, uint64(len(payload)))
		rec = append(rec, payload...)
		rec = binary.LittleEndian.AppendUint32(rec, crc32.ChecksumIEEE(payload))
		w.Write(rec)
		at[k] = off
		off += int64(len(rec))
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := os.Rename(name+".new", name); err != nil {
		tmp.Close()
		return err
	}
	fc.f.Close()
	fc.f, fc.size, fc.at, fc.records = tmp, off, at, len(at)
	return nil
}

func (fc *facts) close() {
	if fc == nil {
		return
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.f != nil {
		fc.f.Close()
		fc.f = nil
	}
}

// identity names the program that wrote a cache: summaries depend on the
// renderer's code, so a cache written by another build is not read. A
// build without version control information (tests, go run) is named by
// its executable's size and time.
var identity = sync.OnceValue(func() string {
	h := sha256.New()
	fmt.Fprintf(h, "%d %s %s\n", factsFormat, runtime.Version(), runtime.GOARCH)
	vcs := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintln(h, bi.Main.Path, bi.Main.Version)
		for _, d := range bi.Deps {
			fmt.Fprintln(h, d.Path, d.Version)
		}
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				vcs = true
				fmt.Fprintln(h, s.Value)
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		vcs = vcs && !modified
	}
	if !vcs {
		if exe, err := os.Executable(); err == nil {
			if fi, err := os.Stat(exe); err == nil {
				fmt.Fprintln(h, fi.Size(), fi.ModTime().UnixNano())
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
})

// Encoding.

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func encodeFact(b []byte, k factKey, s *render.Summary) ([]byte, error) {
	b = append(b, k.blob[:]...)
	b = appendString(b, k.file)
	b = appendString(b, s.Title)
	b = appendBool(b, s.Untitled)
	fm := &s.FrontMatter
	for _, v := range []string{fm.Title, fm.Description, fm.Date, fm.Category, fm.Lang, fm.TranslationKey, fm.Format} {
		b = appendString(b, v)
	}
	b = appendStrings(b, fm.Tags)
	b = appendStrings(b, fm.Aliases)
	b = binary.AppendVarint(b, int64(fm.Weight))
	b = appendBool(b, fm.Draft)
	var err error
	if b, err = appendValue(b, rawValue(fm.Raw), 0); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(len(s.Links)))
	for _, l := range s.Links {
		b = binary.AppendUvarint(b, uint64(l.Kind))
		b = appendString(b, l.Target)
		b = appendString(b, l.Fragment)
		b = binary.AppendUvarint(b, uint64(max(l.Line, 0)))
	}
	b = appendStrings(b, s.Anchors)
	b = appendString(b, s.Text)
	b = appendStrings(b, s.Warnings)
	return b, nil
}

// rawValue keeps a nil map nil and an empty one empty.
func rawValue(m map[string]any) any {
	if m == nil {
		return nil
	}
	return m
}

// Tags of front-matter values.
const (
	tagNil byte = iota
	tagString
	tagBool
	tagInt
	tagInt64
	tagUint64
	tagFloat
	tagList
	tagMap
	tagTime
)

const maxValueDepth = 64

func appendValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxValueDepth {
		return nil, errUncacheable
	}
	switch v := v.(type) {
	case nil:
		return append(b, tagNil), nil
	case string:
		return appendString(append(b, tagString), v), nil
	case bool:
		return appendBool(append(b, tagBool), v), nil
	case int:
		return binary.AppendVarint(append(b, tagInt), int64(v)), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt64), v), nil
	case uint64:
		return binary.AppendUvarint(append(b, tagUint64), v), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat), math.Float64bits(v)), nil
	case time.Time:
		t, err := v.MarshalBinary()
		if err != nil {
			return nil, errUncacheable
		}
		return appendString(append(b, tagTime), string(t)), nil
	case []any:
		b = binary.AppendUvarint(append(b, tagList), uint64(len(v)))
		for _, x := range v {
			var err error
			if b, err = appendValue(b, x, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]any:
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(v)))
		for k, x := range v {
			b = appendString(b, k)
			var err error
			if b, err = appendValue(b, x, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, errUncacheable
}

// Decoding.

var errBadFact = errors.New("facts cache: bad record")

type dec struct {
	b   []byte
	err error
}

func (d *dec) uv() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) v() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) fail() {
	d.err = errBadFact
	d.b = nil
}

func (d *dec) bytes(n uint64) []byte {
	if uint64(len(d.b)) < n {
		d.fail()
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *dec) str() string { return string(d.bytes(d.uv())) }

func (d *dec) byte1() byte {
	b := d.bytes(1)
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

func (d *dec) boolean() bool { return d.byte1() == 1 }

// strs reads a list; an empty list reads as nil, as the parser leaves it.
func (d *dec) strs() []string {
	n := d.uv()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

// decodeFact reads a record; without withText, the summary's Text is left
// empty (it stays on disk, see textOf).
func decodeFact(payload []byte, withText bool) (factKey, *render.Summary, error) {
	d := &dec{b: payload}
	var k factKey
	copy(k.blob[:], d.bytes(20))
	k.file = d.str()
	s := &render.Summary{Title: d.str(), Untitled: d.boolean()}
	fm := &s.FrontMatter
	for _, p := range []*string{&fm.Title, &fm.Description, &fm.Date, &fm.Category, &fm.Lang, &fm.TranslationKey, &fm.Format} {
		*p = d.str()
	}
	fm.Tags, fm.Aliases = d.strs(), d.strs()
	fm.Weight = int(d.v())
	fm.Draft = d.boolean()
	raw := d.value(0)
	if m, ok := raw.(map[string]any); ok {
		fm.Raw = m
	}
	if n := d.uv(); n > 0 && n <= uint64(len(d.b)) {
		s.Links = make([]render.Link, n)
		for i := range s.Links {
			s.Links[i] = render.Link{Kind: render.LinkKind(d.uv()), Target: d.str(), Fragment: d.str(), Line: int(d.uv())}
		}
	} else if n > 0 {
		d.fail()
	}
	s.Anchors = d.strs()
	if withText {
		s.Text = d.str()
	} else {
		d.bytes(d.uv())
	}
	s.Warnings = d.strs()
	if d.err != nil || len(d.b) != 0 {
		return k, nil, errBadFact
	}
	return k, s, nil
}

func (d *dec) value(depth int) any {
	if depth > maxValueDepth {
		d.fail()
		return nil
	}
	switch d.byte1() {
	case tagNil:
		return nil
	case tagString:
		return d.str()
	case tagBool:
		return d.boolean()
	case tagInt:
		return int(d.v())
	case tagInt64:
		return d.v()
	case tagUint64:
		return d.uv()
	case tagFloat:
		b := d.bytes(8)
		if len(b) < 8 {
			return nil
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	case tagTime:
		var t time.Time
		if err := t.UnmarshalBinary([]byte(d.str())); err != nil {
			d.fail()
		}
		return t
	case tagList:
		n := d.uv()
		if n > uint64(len(d.b)) {
			d.fail()
			return nil
		}
		out := make([]any, n)
		for i := range out {
			out[i] = d.value(depth + 1)
		}
		return out
	case tagMap:
		n := d.uv()
		if n > uint64(len(d.b)) {
			d.fail()
			return nil
		}
		out := make(map[string]any, n)
		for range n {
			k := d.str()
			out[k] = d.value(depth + 1)
		}
		return out
	}
	d.fail()
	return nil
}
