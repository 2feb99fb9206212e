package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// foldTable is the folding the offline search applies to a query, as data:
// every character that folds to something other than its lower case, then
// its folded form, the entries separated by spaces. The script lowercases
// what the table does not name and drops combining marks, as fold does
// (TestFoldParity checks every character).
var foldTable = sync.OnceValue(func() string {
	var b strings.Builder
	for r := rune(0x80); r <= maxFoldRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF || !assigned(r) {
			continue
		}
		_, markDiffers := jsMarkDiffers[r]
		if unicode.Is(unicode.Mn, r) && !markDiffers {
			continue
		}
		s := string(r)
		f := string(appendFolded(nil, r))
		if f == jsLower(s) && !markDiffers {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
		b.WriteString(f)
	}
	return b.String()
})

// maxFoldRune ends the table: past the supplementary ideographs, no
// character folds to anything but itself.
const maxFoldRune = 0x2FFFF

func assigned(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs)
}

// jsLower is what the script's toLowerCase gives for one character where
// it differs from Go's (the script's table covers the difference).
func jsLower(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if l, ok := jsLowerDiffers[r]; ok {
		return l
	}
	return strings.ToLower(s)
}

// jsMarkDiffers are combining marks in Go's Unicode tables that the
// browser's (Node 20's ICU) does not call marks, from TestFoldParity.
var jsMarkDiffers = map[rune]bool{
	0x1171E: true, // AHOM CONSONANT SIGN MEDIAL RA: Mn since Unicode 15
}

// jsLowerDiffers are the characters JavaScript lowercases unlike Go, from
// TestFoldParity.
var jsLowerDiffers = map[rune]string{
	0x130: "i\u0307", // İ: JavaScript keeps the dot as a combining mark
}
