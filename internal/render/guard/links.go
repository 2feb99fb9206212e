package guard

import (
	"slices"

	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

// linksFit replays goldmark's link parsing of a block's text t (lines
// lines, each ending in "\n") and reports whether its work stays within the
// block's link budget. It counts, per "]" that closes an opener:
//   - the label (goldmark walks its nodes to refuse a link in a link),
//   - the lines after it (blockReader.Value walks back to find the label),
//   - the destination and title scans of "(...)", or the "[...]" scan,
//   - for a link formed, the nodes between the label's last delimiter and
//     the delimiter before its "[", which ProcessDelimiters walks.
//
// It errs towards counting too much: brackets in raw HTML and autolinks are
// counted as if they were markdown. Code spans are skipped exactly.
func linksFit(t []byte, lines int, pc parser.Context) bool {
	limit := budget(linkSteps, len(t))
	return linkWork(t, lines, limit, pc) <= limit
}

// linkWork is the replay's step count, or a number over limit once it
// passes limit.
func linkWork(t []byte, lines, limit int, pc parser.Context) int {
	m := &linkModel{t: t, lines: lines, limit: limit, pc: pc}
	m.run()
	return m.work
}

type opener struct {
	pos    int // of "["
	bottom int // of the last live delimiter before it, or -1
}

type linkModel struct {
	t       []byte
	lines   int
	line    int // of the scan position
	work    int
	limit   int
	pc      parser.Context
	openers []opener
	delims  []int // starts of live delimiter runs
	code    map[int][]int
}

func (m *linkModel) run() {
	m.code = backtickRuns(m.t)
	for i := 0; i < len(m.t) && m.work <= m.limit; {
		switch c := m.t[i]; {
		case c == '\n':
			m.line++
			i++
		case isEscape(m.t, i):
			i += 2
		case c == '`':
			i = m.codeSpan(i)
		case c == '*' || c == '_' || c == '~':
			m.delims = append(m.delims, i)
			i += runLength(m.t[i:], func(b byte) bool { return b == c })
		case c == '!' && i+1 < len(m.t) && m.t[i+1] == '[':
			m.push(i + 1)
			i += 2
		case c == '[':
			m.push(i)
			i++
		case c == ']':
			i = m.close(i)
		default:
			i++
		}
	}
}

func (m *linkModel) push(pos int) {
	bottom := -1
	if n := len(m.delims); n > 0 {
		bottom = m.delims[n-1]
	}
	m.openers = append(m.openers, opener{pos, bottom})
	m.work++
}

// codeSpan skips the code span opened at i, or just its opener when no run
// of the same length follows, as goldmark's code span parser does.
func (m *linkModel) codeSpan(i int) int {
	n := runLength(m.t[i:], func(b byte) bool { return b == '`' })
	starts := m.code[n]
	j, _ := slices.BinarySearch(starts, i+1)
	if j == len(starts) {
		return i + n
	}
	end := starts[j] + n
	m.line += countNewlines(m.t[i:end])
	return end
}

// close handles the "]" at i and returns where scanning goes on.
func (m *linkModel) close(i int) int {
	if len(m.openers) == 0 {
		return i + 1
	}
	o := m.openers[len(m.openers)-1]
	m.openers = m.openers[:len(m.openers)-1]
	m.work += i - o.pos + m.lines - m.line
	next := i + 1
	if next < len(m.t) && m.t[next] == '(' {
		if end, ok := m.inlineLink(next); ok {
			m.linked(o, i)
			m.line += countNewlines(m.t[i:end])
			return end
		}
	} else if next < len(m.t) && m.t[next] == '[' {
		end, found := m.closure(next+1, '[', ']')
		if found {
			label := m.t[next+1 : end]
			if util.IsBlank(label) {
				label = m.t[o.pos+1 : i]
			}
			if m.hasReference(label) {
				m.linked(o, i)
				m.line += countNewlines(m.t[i:end])
				return end + 1
			}
			return i + 1
		}
	}
	if m.hasReference(m.t[o.pos+1 : i]) {
		m.linked(o, i)
	}
	return i + 1
}

func (m *linkModel) hasReference(label []byte) bool {
	if len(label) > 999 {
		return false
	}
	_, ok := m.pc.Reference(util.ToLinkReference(label))
	return ok
}

// linked accounts for a link formed from o: ProcessDelimiters(bottom) walks
// from the label's last delimiter back to the bottom, then the label's
// delimiters are gone.
func (m *linkModel) linked(o opener, closeAt int) {
	k := len(m.delims)
	for k > 0 && m.delims[k-1] > o.bottom {
		k--
	}
	if k < len(m.delims) && o.bottom >= 0 {
		m.work += m.delims[len(m.delims)-1] - o.bottom
	}
	m.delims = m.delims[:k]
	m.work += closeAt - o.pos
}

// inlineLink replays goldmark's parseLink from the "(" at j: spaces, a
// destination, spaces, an optional title, spaces, ")".
func (m *linkModel) inlineLink(j int) (end int, ok bool) {
	k := m.spaces(j + 1)
	if k < len(m.t) && m.t[k] == ')' {
		return k + 1, true
	}
	k, ok = m.destination(k)
	if !ok {
		return 0, false
	}
	k = m.spaces(k)
	if k < len(m.t) && m.t[k] == ')' {
		return k + 1, true
	}
	if k >= len(m.t) {
		return 0, false
	}
	closer := m.t[k]
	switch closer {
	case '"', '\'':
	case '(':
		closer = ')'
	default:
		return 0, false
	}
	e, found := m.closure(k+1, m.t[k], closer)
	if !found {
		return 0, false
	}
	k = m.spaces(e + 1)
	if k < len(m.t) && m.t[k] == ')' {
		return k + 1, true
	}
	return 0, false
}

// spaces skips spaces and line ends, as goldmark's SkipSpaces does.
func (m *linkModel) spaces(k int) int {
	s := k
	for k < len(m.t) && util.IsSpace(m.t[k]) {
		k++
	}
	m.work += k - s
	return k
}

// destination scans a link destination within its line.
func (m *linkModel) destination(k int) (int, bool) {
	s := k
	defer func() { m.work += k - s }()
	if k < len(m.t) && m.t[k] == '<' {
		for k++; k < len(m.t) && m.t[k] != '\n'; k++ {
			if isEscape(m.t, k) {
				k++
			} else if m.t[k] == '>' {
				k++
				return k, true
			}
		}
		return k, false
	}
	opened := 0
	for ; k < len(m.t); k++ {
		c := m.t[k]
		if isEscape(m.t, k) {
			k++
			continue
		}
		if c == '(' {
			opened++
		} else if c == ')' {
			if opened--; opened < 0 {
				break
			}
		} else if util.IsSpace(c) {
			break
		}
	}
	return k, k > s
}

// closure replays goldmark's FindClosure without nesting: the first
// unescaped closer from k on, over any number of lines; another opener
// first means there is none.
func (m *linkModel) closure(k int, open, close byte) (int, bool) {
	s := k
	defer func() { m.work += k - s }()
	for ; k < len(m.t); k++ {
		if isEscape(m.t, k) {
			k++
			continue
		}
		switch m.t[k] {
		case close:
			return k, true
		case open:
			return k, false
		}
	}
	return k, false
}

// backtickRuns maps each backtick run length to the starts of the maximal
// runs of that length in t, in order.
func backtickRuns(t []byte) map[int][]int {
	runs := map[int][]int{}
	for i := 0; i < len(t); {
		if t[i] != '`' {
			i++
			continue
		}
		n := runLength(t[i:], func(b byte) bool { return b == '`' })
		runs[n] = append(runs[n], i)
		i += n
	}
	return runs
}

func countNewlines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}
