package importer

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Report is what an import did, for the person who ran it and for tests:
// every link left unresolved, every attachment missing and every macro
// replaced is listed, so nothing is lost silently.
type Report struct {
	Kind   string // "confluence" or "jekyll"
	Source string // the source's base name
	Commit string // the commit written, empty before Commit

	Pages             int
	LinksRewritten    int
	AttachmentsCopied int

	Unresolved []Link       // links whose target the source does not hold
	Repaired   []Link       // links broken in the source whose target was clear
	Missing    []Attachment // attachments the source names but does not hold
	Macros     []Macro      // Confluence macros and Liquid tags replaced
	Renamed    []Rename     // titles that slugged alike and got a suffix
	Replaced   []string     // existing files overwritten (only with Force)
	Problems   []Problem    // anything else worth a look
}

// Link is one link of a page, as written in the source.
type Link struct {
	Page   string // the page file written
	Target string
	Reason string
}

// Attachment is a file a page refers to.
type Attachment struct {
	Page     string
	Name     string
	Original string // where it was, when known (an absolute URL)
}

// Macro is one macro or template tag and what became of it.
type Macro struct {
	Page string
	Name string
	As   string // "table of contents", "note", "removed", ...
}

// Rename is a page whose name was taken by another one.
type Rename struct {
	Title string
	Path  string
}

// Problem is a file-level finding.
type Problem struct {
	File    string
	Message string
}

// Problemf records a problem with a file of the source or of the result.
func (r *Report) Problemf(file, format string, a ...any) {
	r.Problems = append(r.Problems, Problem{File: file, Message: fmt.Sprintf(format, a...)})
}

// Sort orders every list, so two imports of the same source report alike.
func (r *Report) Sort() {
	sortLinks := func(ls []Link) {
		sort.Slice(ls, func(i, j int) bool {
			if ls[i].Page != ls[j].Page {
				return ls[i].Page < ls[j].Page
			}
			return ls[i].Target < ls[j].Target
		})
	}
	sortLinks(r.Unresolved)
	sortLinks(r.Repaired)
	sort.Slice(r.Missing, func(i, j int) bool {
		a, b := r.Missing[i], r.Missing[j]
		if a.Page != b.Page {
			return a.Page < b.Page
		}
		return a.Name < b.Name
	})
	sort.SliceStable(r.Macros, func(i, j int) bool { return r.Macros[i].Page < r.Macros[j].Page })
	sort.Slice(r.Renamed, func(i, j int) bool { return r.Renamed[i].Path < r.Renamed[j].Path })
	sort.Strings(r.Replaced)
	sort.SliceStable(r.Problems, func(i, j int) bool { return r.Problems[i].File < r.Problems[j].File })
}

// MacroCounts counts the macros by name and outcome ("toc → table of contents").
func (r *Report) MacroCounts() map[string]int {
	m := map[string]int{}
	for _, x := range r.Macros {
		m[x.Name+" → "+x.As]++
	}
	return m
}

// Print writes the report for a person: totals first, then each list.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "Imported %s %s", r.Kind, r.Source)
	if r.Commit != "" {
		fmt.Fprintf(w, " in commit %s", r.Commit)
	}
	fmt.Fprintln(w, ":")
	fmt.Fprintf(w, "  pages:               %d\n", r.Pages)
	fmt.Fprintf(w, "  links rewritten:     %d\n", r.LinksRewritten)
	fmt.Fprintf(w, "  links repaired:      %d\n", len(r.Repaired))
	fmt.Fprintf(w, "  links unresolved:    %d\n", len(r.Unresolved))
	fmt.Fprintf(w, "  attachments copied:  %d\n", r.AttachmentsCopied)
	fmt.Fprintf(w, "  attachments missing: %d\n", len(r.Missing))
	fmt.Fprintf(w, "  macros replaced:     %d\n", len(r.Macros))
	if len(r.Replaced) > 0 {
		fmt.Fprintf(w, "  files replaced:      %d\n", len(r.Replaced))
	}
	fmt.Fprintf(w, "  problems:            %d\n", len(r.Problems))
	section(w, "Links left unresolved (the source has no such page or file)", len(r.Unresolved), func(i int) string {
		l := r.Unresolved[i]
		return fmt.Sprintf("%s: %s (%s)", l.Page, l.Target, l.Reason)
	})
	section(w, "Links repaired", len(r.Repaired), func(i int) string {
		l := r.Repaired[i]
		return fmt.Sprintf("%s: %s (%s)", l.Page, l.Target, l.Reason)
	})
	section(w, "Attachments missing from the source", len(r.Missing), func(i int) string {
		a := r.Missing[i]
		s := a.Page + ": " + a.Name
		if a.Original != "" {
			s += " (was " + a.Original + ")"
		}
		return s
	})
	counts := r.MacroCounts()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	section(w, "Macros replaced", len(keys), func(i int) string { return fmt.Sprintf("%s: %d", keys[i], counts[keys[i]]) })
	section(w, "Pages renamed because their names were taken", len(r.Renamed), func(i int) string {
		return fmt.Sprintf("%q → %s", r.Renamed[i].Title, r.Renamed[i].Path)
	})
	section(w, "Files replaced (--force)", len(r.Replaced), func(i int) string { return r.Replaced[i] })
	section(w, "Problems", len(r.Problems), func(i int) string {
		p := r.Problems[i]
		if p.File == "" {
			return p.Message
		}
		return p.File + ": " + p.Message
	})
}

func section(w io.Writer, title string, n int, line func(int) string) {
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	for i := range n {
		fmt.Fprintln(w, "  "+strings.ReplaceAll(line(i), "\n", " "))
	}
}
