package present

import (
	"html/template"
	"strings"

	"github.com/gitwiki/gitwiki/internal/merge"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// DiffContext is how many unchanged lines a diff shows around each change.
const DiffContext = 3

// DiffRows is the side-by-side diff of two texts, with changed words marked.
func DiffRows(a, b string) []theme.DiffRow {
	var rows []theme.DiffRow
	for _, row := range merge.SideBySide(a, b, DiffContext) {
		rows = append(rows, theme.DiffRow{
			Kind: row.Kind.String(), LeftNum: row.LeftNum, RightNum: row.RightNum,
			Left: spansHTML(row.Left, "del"), Right: spansHTML(row.Right, "ins"), SkipCount: row.Skip,
		})
	}
	return rows
}

// spansHTML escapes a line, wrapping changed words in tag.
func spansHTML(spans []merge.Span, tag string) template.HTML {
	var b strings.Builder
	for _, sp := range spans {
		if sp.Changed {
			b.WriteString("<" + tag + ">")
		}
		template.HTMLEscape(&b, []byte(sp.Text))
		if sp.Changed {
			b.WriteString("</" + tag + ">")
		}
	}
	return template.HTML(b.String())
}
