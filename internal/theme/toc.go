package theme

import "github.com/gitwiki/gitwiki/internal/render"

// NestTOC nests the flat heading list under the nearest shallower heading,
// for the table of contents of both the server and the static export.
func NestTOC(hs []render.Heading) []*TOCItem {
	type frame struct {
		level int
		item  *TOCItem
	}
	var roots []*TOCItem
	var stack []frame
	for _, h := range hs {
		it := &TOCItem{ID: h.ID, Text: h.Text}
		for len(stack) > 0 && stack[len(stack)-1].level >= h.Level {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			roots = append(roots, it)
		} else {
			parent := stack[len(stack)-1].item
			parent.Children = append(parent.Children, it)
		}
		stack = append(stack, frame{h.Level, it})
	}
	return roots
}
