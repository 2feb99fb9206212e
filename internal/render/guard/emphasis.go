package guard

import (
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// delim is one delimiter run as goldmark's ScanDelimiter sees it.
type delim struct {
	char             byte
	length, original int
	canOpen          bool
	canClose         bool
	prev, next       int
}

// emphasisFits replays goldmark's ProcessDelimiters over the delimiter runs
// of a block's text t ("*", "_", and "~" as the strikethrough parser takes
// it) and reports whether it stays within the block's emphasis budget. Each
// closer scans back through earlier delimiters for an opener of its kind;
// goldmark keeps no lower bound per kind (CommonMark's openers_bottom), so
// closers without an opener make the work quadratic. Links are ignored:
// they only split the delimiters into shorter lists.
func emphasisFits(t []byte) bool {
	limit := budget(emphasisSteps, len(t))
	return emphasisWork(t, limit) <= limit
}

// emphasisWork is the replay's step count, or a number over limit once it
// passes limit.
func emphasisWork(t []byte, limit int) int {
	d := scanDelimiters(t)
	work := 0
	unlink := func(i int) {
		if p := d[i].prev; p >= 0 {
			d[p].next = d[i].next
		}
		if n := d[i].next; n >= 0 {
			d[n].prev = d[i].prev
		}
	}
	closer := 0
	if len(d) == 0 {
		closer = -1
	}
	for closer >= 0 && work <= limit {
		c := &d[closer]
		if !c.canClose {
			closer = c.next
			continue
		}
		opener, consume, maybe := -1, 0, false
		for o := c.prev; o >= 0; o = d[o].prev {
			work++
			if d[o].canOpen && d[o].char == c.char {
				maybe = true
				if consume = consumption(&d[o], c); consume > 0 {
					opener = o
					break
				}
			}
		}
		if opener < 0 {
			next := c.next
			if !maybe && !c.canOpen {
				unlink(closer)
			}
			closer = next
			continue
		}
		d[opener].length -= consume
		c.length -= consume
		for x := d[opener].next; x >= 0 && x != closer; x = d[x].next {
			unlink(x)
			work++
		}
		if d[opener].length == 0 {
			unlink(opener)
		}
		if c.length == 0 {
			next := c.next
			unlink(closer)
			closer = next
		}
	}
	return work
}

// consumption is goldmark's Delimiter.CalcComsumption, rule of three included.
func consumption(o, c *delim) int {
	if (o.canClose || c.canOpen) && (o.original+c.original)%3 == 0 && c.original%3 != 0 {
		return 0
	}
	if o.length >= 2 && c.length >= 2 {
		return 2
	}
	return 1
}

// scanDelimiters lists the delimiter runs of t with goldmark's flanking
// rules, linked in order. Code spans are not skipped: counting delimiters
// inside them only makes the estimate larger.
func scanDelimiters(t []byte) []delim {
	var d []delim
	for i := 0; i < len(t); {
		c := t[i]
		if isEscape(t, i) {
			i += 2
			continue
		}
		if c != '*' && c != '_' && c != '~' {
			i++
			continue
		}
		n := runLength(t[i:], func(b byte) bool { return b == c })
		before, after := rune('\n'), rune(' ')
		if i > 0 {
			before, _ = utf8.DecodeLastRune(t[:i])
		}
		if i+n < len(t) {
			after, _ = utf8.DecodeRune(t[i+n:])
		}
		if c == '~' && (n > 2 || before == '~') {
			i += n
			continue
		}
		open, close := flanking(c, before, after)
		d = append(d, delim{char: c, length: n, original: n, canOpen: open, canClose: close, prev: len(d) - 1, next: len(d) + 1})
		i += n
	}
	if len(d) > 0 {
		d[len(d)-1].next = -1
	}
	return d
}

// flanking is ScanDelimiter's left- and right-flanking test.
func flanking(c byte, before, after rune) (canOpen, canClose bool) {
	bp, bs := util.IsPunctRune(before), util.IsSpaceRune(before)
	ap, as := util.IsPunctRune(after), util.IsSpaceRune(after)
	left := !as && (!ap || bs || bp)
	right := !bs && (!bp || as || ap)
	if c == '_' {
		return left && (!right || bp), right && (!left || ap)
	}
	return left, right
}
