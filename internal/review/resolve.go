package review

import (
	"errors"
	"strings"
)

// Keep is a maintainer's answer to one conflicting block.
type Keep string

const (
	KeepProposal Keep = "proposal" // the contributor's text
	KeepMain     Keep = "main"     // the text as it is on the wiki now
	KeepBoth     Keep = "both"     // the proposal's text, then main's
	KeepEdited   Keep = "edit"     // text the maintainer wrote
)

// ErrUnchosen refuses a resolution that leaves a block without an answer;
// guessing one would publish a text nobody chose.
var ErrUnchosen = errors.New("choose how to resolve each conflicting block")

// Choice answers one block; Text is used with KeepEdited.
type Choice struct {
	Keep Keep
	Text string
}

// Resolve writes the file with each block replaced by the chosen text and
// everything outside the blocks as the merge left it. choices answer
// f.Blocks in order. The result is checked for markers by Merge, so an
// edited block that still holds one is refused there.
func (f FileConflict) Resolve(choices []Choice) (string, error) {
	if len(f.Blocks) == 0 || len(choices) != len(f.Blocks) {
		return "", ErrUnchosen
	}
	lines := strings.SplitAfter(f.Merged, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	var b strings.Builder
	at := 0
	for i, blk := range f.Blocks {
		if blk.Start < at || blk.End > len(lines) || blk.Start > blk.End {
			return "", ErrUnchosen
		}
		b.WriteString(strings.Join(lines[at:blk.Start], ""))
		var text string
		switch c := choices[i]; c.Keep {
		case KeepProposal:
			text = blk.Proposal
		case KeepMain:
			text = blk.Main
		case KeepBoth:
			text = endLine(blk.Proposal) + blk.Main
		case KeepEdited:
			text = strings.ReplaceAll(c.Text, "\r\n", "\n")
		default:
			return "", ErrUnchosen
		}
		// A block in the middle of the file must end its last line, or
		// it would run into the text after it.
		if blk.End < len(lines) {
			text = endLine(text)
		}
		b.WriteString(text)
		at = blk.End
	}
	b.WriteString(strings.Join(lines[at:], ""))
	return b.String(), nil
}

func endLine(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}
