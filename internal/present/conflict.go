package present

import (
	"strings"

	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// contextLines is how much text above a conflicting block is shown, so a
// maintainer can tell where in the page it is without opening the file.
const contextLines = 3

// Standing is where an open proposal stands, as its page shows it.
func (m *Model) Standing(l *i18n.Lang, st *review.Standing) *theme.ProposalStanding {
	if st == nil || (st.Conflict == nil && len(st.Overlaps) == 0) {
		return nil
	}
	v := &theme.ProposalStanding{}
	if st.Conflict != nil {
		for _, f := range st.Conflict.Files {
			v.Conflicts = append(v.Conflicts, f.Path)
		}
	}
	for _, o := range st.Overlaps {
		v.Overlaps = append(v.Overlaps, theme.ProposalOverlap{Proposal: m.ProposalItem(l, o.Proposal), Paths: o.Paths, Conflicts: o.Conflicts})
	}
	return v
}

// Sent is what a maintainer answered for a file's blocks when the form
// comes back refused: the choice and edited text per block, in order.
type Sent struct {
	Choices []review.Choice
}

// ConflictView offers a merge conflict for resolution, block by block
// where the file is text on both sides; sent refills the answers given
// before, by path.
func ConflictView(mc *review.MergeConflict, sent map[string]Sent) *theme.MergeConflictView {
	v := &theme.MergeConflictView{Head: mc.Head.String()}
	for _, f := range mc.Files {
		cf := theme.ConflictFile{Path: f.Path, Merged: f.Merged, Binary: f.Binary}
		lines := strings.SplitAfter(f.Merged, "\n")
		prev := 0
		for i, b := range f.Blocks {
			from := max(prev, b.Start-contextLines)
			cb := theme.ConflictBlock{
				Before:   strings.Join(lines[from:min(b.Start, len(lines))], ""),
				Proposal: b.Proposal, Main: b.Main, Edited: b.Proposal,
			}
			if s, ok := sent[f.Path]; ok && i < len(s.Choices) {
				c := s.Choices[i]
				cb.Choice = string(c.Keep)
				// What they wrote stays, chosen or not.
				if c.Keep == review.KeepEdited || c.Text != "" {
					cb.Edited = c.Text
				}
			}
			cf.Blocks = append(cf.Blocks, cb)
			prev = b.End
		}
		v.Files = append(v.Files, cf)
	}
	return v
}
