package search

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// exporter turns analysed pages into the offline index's scripts.
type exporter struct {
	an    *analyzers
	docs  []*exportDoc // by title key: the index of a page is its id
	files map[string][]byte
	total int
}

// termPostings are one family's postings of one term.
type termPostings struct {
	df   [3]int
	list []posting
}

type posting struct {
	doc    int32
	tf     [3]uint16
	length [3]uint32
}

// digits encode numbers in the index's strings: a number is base-32 digits,
// most significant first, each but the last from the upper half.
const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"

func appendVarint(b []byte, v uint64) []byte {
	var tmp [14]byte
	i := len(tmp) - 1
	tmp[i] = digits[v&31]
	for v >>= 5; v > 0; v >>= 5 {
		i--
		tmp[i] = digits[32+v&31]
	}
	return append(b, tmp[i:]...)
}

// Impact codes: three digits, the fields matched (1 to 3) and the
// logarithm of the score in 1/impactSteps steps of a power of two from
// 2^-impactBias: scores keep about 0.03%, so the browser breaks ties as the
// server does.
const (
	impactSteps = 2048
	impactBias  = 16
	impactMax   = 1<<16 - 1
)

func impactCode(impact float64, fields int) int {
	q := 0
	if impact > 0 {
		q = int(math.Round((math.Log2(impact) + impactBias) * impactSteps))
	}
	return (fields-1)*(impactMax+1) + min(max(q, 0), impactMax)
}

func (e *exporter) build() (*Export, error) {
	n := len(e.docs)
	fams := map[string]map[string]*termPostings{}
	for id, d := range e.docs {
		terms := fams[d.fam]
		if terms == nil {
			terms = map[string]*termPostings{}
			fams[d.fam] = terms
		}
		for f, fs := range d.fields {
			for t, tf := range fs.tf {
				tp := terms[t]
				if tp == nil {
					tp = &termPostings{}
					terms[t] = tp
				}
				tp.df[f]++
				if k := len(tp.list) - 1; k < 0 || tp.list[k].doc != int32(id) {
					tp.list = append(tp.list, posting{doc: int32(id)})
				}
				p := &tp.list[len(tp.list)-1]
				p.tf[f] = uint16(min(tf, math.MaxUint16))
				p.length[f] = uint32(fs.length)
			}
		}
	}
	m := manifest{V: 1, N: n, Per: docsPerChunk, Rules: e.rules(), Fams: []famManifest{}}
	for _, f := range families {
		terms := fams[f.code]
		if terms == nil {
			continue
		}
		fm := e.family(f, terms, n)
		m.Fams = append(m.Fams, fm)
	}
	m.Keys = e.keys()
	m.Docs = e.docChunks()
	e.file("fold", foldTable())
	m.Dir = e.folder()
	main := e.script("main", m)
	return &Export{Main: main, Files: e.files, Bytes: e.total}, nil
}

// folder moves the chunks into a folder named by a hash of them all, so a
// browser never mixes chunks of two builds, and the manifest need not list
// a name per chunk: it is DIR/NAME.js.
func (e *exporter) folder() string {
	names := make([]string, 0, len(e.files))
	for name := range e.files {
		names = append(names, name)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, name := range names {
		h.Write([]byte(name))
		h.Write(e.files[name])
	}
	dir := hex.EncodeToString(h.Sum(nil))[:12]
	moved := make(map[string][]byte, len(e.files))
	for name, data := range e.files {
		moved[dir+"/"+name+".js"] = data
	}
	e.files = moved
	return dir
}

// manifest is main.js: what the script needs to find everything else.
type manifest struct {
	V     int           `json:"v"`
	N     int           `json:"n"`   // pages
	Per   int           `json:"per"` // pages per d- chunk
	Fams  []famManifest `json:"fams"`
	Keys  chunkList     `json:"keys"` // "_": titles, folders, tags, languages
	Docs  int           `json:"docs"` // d- chunks
	Dir   string        `json:"dir"`  // the chunks' folder, next to this file
	Rules rulesManifest `json:"rules"`
}

// rulesManifest is the scoring and query rules the script shares with the
// server, so neither hard-codes the other's numbers.
type rulesManifest struct {
	Boosts         [3]float64 `json:"boosts"`
	Prefix         float64    `json:"prefix"`
	Fuzzy          float64    `json:"fuzzy"`
	ImpactSteps    int        `json:"impactSteps"`
	ImpactBias     int        `json:"impactBias"`
	ImpactMax      int        `json:"impactMax"`
	MinPrefixRunes int        `json:"minPrefixRunes"`
	MinFuzzyRunes  int        `json:"minFuzzyRunes"`
	MinFuzzy2Runes int        `json:"minFuzzy2Runes"`
	MaxPrefixTerms int        `json:"maxPrefixTerms"`
	MaxFuzzyTerms  int        `json:"maxFuzzyTerms"`
	MaxQueryBytes  int        `json:"maxQueryBytes"`
	MaxClauses     int        `json:"maxClauses"`
	MaxPhraseWords int        `json:"maxPhraseWords"`
	MaxFilters     int        `json:"maxFilters"`
	PerPage        int        `json:"perPage"`
}

func (e *exporter) rules() rulesManifest {
	return rulesManifest{
		Boosts: fieldBoosts, Prefix: boostPrefix, Fuzzy: boostFuzzy,
		ImpactSteps: impactSteps, ImpactBias: impactBias, ImpactMax: impactMax,
		MinPrefixRunes: minPrefixRunes, MinFuzzyRunes: minFuzzyRunes, MinFuzzy2Runes: minFuzzy2Runes,
		MaxPrefixTerms: maxPrefixTerms, MaxFuzzyTerms: maxFuzzyTerms,
		MaxQueryBytes: maxQueryBytes, MaxClauses: maxClauses, MaxPhraseWords: maxPhraseWords,
		MaxFilters: maxFilters, PerPage: exportPerPage,
	}
}

type famManifest struct {
	Code       string     `json:"code"`
	Stop       []string   `json:"stop"`
	Elision    []string   `json:"elision,omitempty"`
	Possessive bool       `json:"possessive,omitempty"`
	Suffixes   [][]string `json:"suffixes"` // [surface ending, stem ending], most used first
	chunkList
}

// chunkList is a key space split in ranges: chunk SPACE-i holds the keys
// from Bounds[i] (inclusive) to Bounds[i+1].
type chunkList struct {
	Bounds []string `json:"bounds"`
}

type entry struct {
	key  string
	kind byte // 'p' postings, 's' surface form, 'k' key
	val  string
}

func (e *exporter) family(f family, terms map[string]*termPostings, n int) famManifest {
	var entries []entry
	for t, tp := range terms {
		var mask uint8
		for i, df := range tp.df {
			if df > 0 {
				mask |= 1 << i
			}
		}
		b := []byte{digits[mask]}
		prev := int32(-1)
		for _, p := range tp.list {
			impact, fields := 0.0, 0
			for i := range 3 {
				if p.tf[i] == 0 {
					continue
				}
				w := idf(n, tp.df[i])
				impact += fieldBoosts[i] * w * w * math.Sqrt(float64(p.tf[i])) * fieldNorm(int(p.length[i]))
				fields++
			}
			b = appendVarint(b, uint64(p.doc-prev-1))
			c := impactCode(impact, fields)
			b = append(b, digits[c>>12], digits[c>>6&63], digits[c&63])
			prev = p.doc
		}
		entries = append(entries, entry{key: t, kind: 'p', val: string(b)})
	}
	surfaces := e.surfaces(f.code)
	for s, stem := range surfaces {
		entries = append(entries, entry{key: s, kind: 's', val: stem})
	}
	fm := famManifest{Code: f.code, Possessive: f.possessive, Suffixes: suffixRules(surfaces), Stop: []string{}}
	fm.Stop = tokenMapWords(e.an.stops[f.code])
	fm.Elision = tokenMapWords(e.an.elisions[f.code])
	fm.chunkList = e.chunks(f.code, entries, indexChunkBytes)
	return fm
}

func (e *exporter) surfaces(fam string) map[string]string {
	counts := map[string]map[string]int{}
	for _, d := range e.docs {
		if d.fam != fam {
			continue
		}
		for s, t := range d.surfaces {
			if counts[s] == nil {
				counts[s] = map[string]int{}
			}
			counts[s][t]++
		}
	}
	out := make(map[string]string, len(counts))
	for s, ts := range counts {
		best, bestN := "", -1
		for t, c := range ts {
			if c > bestN || c == bestN && t < best {
				best, bestN = t, c
			}
		}
		out[s] = best
	}
	return out
}

// suffixRules are how the family's stemmer changed the endings of the words
// the pages use, most used first: the script tries them on a word no page
// has, keeping the first result that is a stem of the index.
func suffixRules(surfaces map[string]string) [][]string {
	type rule struct {
		from, to string
		n        int
	}
	counts := map[[2]string]int{}
	for s, t := range surfaces {
		i := 0
		for i < len(s) && i < len(t) && s[i] == t[i] {
			i++
		}
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		from, to := s[i:], t[i:]
		if from == "" || utf8.RuneCountInString(from) > maxSuffixLen {
			continue
		}
		counts[[2]string{from, to}]++
	}
	var rules []rule
	for k, n := range counts {
		rules = append(rules, rule{k[0], k[1], n})
	}
	slices.SortFunc(rules, func(a, b rule) int {
		return cmp.Or(b.n-a.n, len(b.from)-len(a.from), strings.Compare(a.from, b.from), strings.Compare(a.to, b.to))
	})
	out := [][]string{}
	for _, r := range rules[:min(len(rules), maxSuffixRules)] {
		out = append(out, []string{r.from, r.to})
	}
	return out
}

// keys are the "_" space: "=" exact titles, "/" folders, "#" tags, "@"
// languages and "~" families, each with the pages it names.
func (e *exporter) keys() chunkList {
	ids := map[string][]int{}
	add := func(k string, id int) {
		if l := ids[k]; len(l) == 0 || l[len(l)-1] != id {
			ids[k] = append(l, id)
		}
	}
	for id, d := range e.docs {
		if d.key != "" {
			add("="+d.key, id)
		}
		for _, f := range folders(d.doc.Page) {
			add("/"+f, id)
		}
		for _, t := range d.doc.Tags {
			add("#"+foldString(t), id)
		}
		add("@"+baseLang(d.doc.Lang), id)
		add("~"+d.fam, id)
	}
	entries := make([]entry, 0, len(ids))
	for k, list := range ids {
		var b []byte
		prev := -1
		for _, id := range list {
			b = appendVarint(b, uint64(id-prev-1))
			prev = id
		}
		entries = append(entries, entry{key: k, kind: 'k', val: string(b)})
	}
	return e.chunks("_", entries, keyChunkBytes)
}

// chunks sorts a key space and writes it in ranges of about indexChunkBytes.
func (e *exporter) chunks(space string, entries []entry, target int) chunkList {
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Or(strings.Compare(a.key, b.key), int(a.kind)-int(b.kind)) })
	cl := chunkList{Bounds: []string{}}
	for start := 0; start < len(entries); {
		end, size := start, 0
		for end < len(entries) && (end == start || size+entrySize(entries[end]) <= target) {
			size += entrySize(entries[end])
			end++
		}
		// A key's entries stay together.
		for end < len(entries) && entries[end].key == entries[end-1].key {
			end++
		}
		bound := ""
		if start > 0 {
			bound = between(entries[start-1].key, entries[start].key)
		}
		data := map[string]map[string]string{}
		for _, en := range entries[start:end] {
			k := string(en.kind)
			if data[k] == nil {
				data[k] = map[string]string{}
			}
			data[k][en.key] = en.val
		}
		e.file(space+"-"+itoa(len(cl.Bounds)), data)
		cl.Bounds = append(cl.Bounds, bound)
		start = end
	}
	return cl
}

func entrySize(en entry) int { return len(en.key) + len(en.val) + 6 }

// between is the shortest prefix of b greater than a (a < b).
func between(a, b string) string {
	for i := range b {
		if i > 0 && b[:i] > a {
			return b[:i]
		}
	}
	return b
}

func itoa(i int) string { return strconv.Itoa(i) }

// docChunks writes the pages' titles, addresses, breadcrumbs, languages
// and openings, docsPerChunk to a file.
func (e *exporter) docChunks() int {
	n := 0
	for start := 0; start < len(e.docs); start += docsPerChunk {
		var rows [][]string
		for _, d := range e.docs[start:min(start+docsPerChunk, len(e.docs))] {
			rows = append(rows, []string{d.doc.Title, d.url, d.crumbs, d.doc.Lang, excerpt(d.doc.Text, d.doc.Title)})
		}
		e.file("d-"+itoa(n), rows)
		n++
	}
	return n
}

// excerpt is the start of a page's text on one line, without a leading
// repeat of its title.
func excerpt(text, title string) string {
	text = strings.Join(strings.Fields(cut(text, 4*excerptRunes+len(title))), " ")
	if t := strings.Join(strings.Fields(title), " "); t != "" {
		if rest, ok := strings.CutPrefix(text, t); ok && (rest == "" || rest[0] == ' ') {
			text = strings.TrimSpace(rest)
		}
	}
	if utf8.RuneCountInString(text) <= excerptRunes {
		return text
	}
	r := []rune(text)[:excerptRunes]
	s := string(r)
	if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
		s = s[:i]
	}
	return s + "…"
}

// file writes a script registering data as name (its file name is set by
// folder).
func (e *exporter) file(name string, data any) {
	e.files[name] = script(name, data)
	e.total += len(e.files[name])
}

// script is the manifest, named by a hash of its content.
func (e *exporter) script(name string, data any) string {
	b := script(name, data)
	sum := sha256.Sum256(b)
	file := name + "." + hex.EncodeToString(sum[:])[:10] + ".js"
	e.files[file] = b
	e.total += len(b)
	return file
}

// script is a file calling gitwikiSearch.add(name, data).
func script(name string, data any) []byte {
	var buf bytes.Buffer
	buf.WriteString("gitwikiSearch.add(")
	k, _ := json.Marshal(name)
	buf.Write(k)
	buf.WriteByte(',')
	// The default HTML escaping stays on: "</script>" in a title must not
	// end a script if one is ever inlined.
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(data); err != nil {
		panic(err) // strings, numbers and slices only: cannot fail
	}
	buf.Truncate(buf.Len() - 1)
	buf.WriteString(");\n")
	return buf.Bytes()
}

// tokenMapWords lists a stop word or article map's words, sorted.
func tokenMapWords(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for w := range m {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}
