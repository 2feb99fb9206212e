package confluence

import (
	"net/url"
	"path"
	"sort"
	"strings"

	"golang.org/x/net/html"

	"github.com/gitwiki/gitwiki/internal/importer"
)

// localPath strips the site's own address from a URL, so
// "https://orgsec.community/display/OS/X" reads "/display/OS/X".
func (s *space) localPath(href string) string {
	href = strings.TrimSpace(href)
	if s.base != "" && strings.HasPrefix(strings.ToLower(href), strings.ToLower(s.base)) {
		rest := href[len(s.base):]
		if rest == "" || rest[0] == '/' || rest[0] == '?' || rest[0] == '#' {
			if rest == "" {
				rest = "/"
			}
			return rest
		}
	}
	return href
}

// trimContext drops Confluence Cloud's "/wiki" context path.
func trimContext(p string) string {
	if strings.HasPrefix(p, "/wiki/") {
		return p[len("/wiki"):]
	}
	return p
}

// displayTarget reads "/display/KEY/Title+With+Plus": the key and the
// title, "+" read as a space and escapes (%2C, %27) undone.
func displayTarget(href string) (key, title string, ok bool) {
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "", "", false
	}
	segs := strings.Split(strings.TrimPrefix(trimContext(u.EscapedPath()), "/"), "/")
	if len(segs) < 2 || segs[0] != "display" || segs[1] == "" {
		return "", "", false
	}
	key = segs[1]
	if len(segs) >= 3 {
		t, err := url.PathUnescape(strings.ReplaceAll(strings.Join(segs[2:], "/"), "+", " "))
		if err != nil {
			return "", "", false
		}
		title = importer.CleanTitle(t)
	}
	return key, title, true
}

// escapeSegment writes a file name the way Confluence writes it in a URL.
func escapeSegment(name string) string { return strings.ReplaceAll(url.PathEscape(name), "+", "%2B") }

// attachmentName is the file name at the end of an attachment URL.
func attachmentName(src string) string {
	u, err := url.Parse(src)
	if err != nil {
		return path.Base(src)
	}
	n, err := url.PathUnescape(path.Base(u.EscapedPath()))
	if err != nil {
		return path.Base(u.Path)
	}
	return n
}

// attachment finds the file an attachment URL names. file is the copy
// written ("" when the source lacks it); orig the absolute URL it had, when
// the site is known; local is false for a URL of another site.
func (s *space) attachment(p *page, src, name string) (file, orig string, local bool) {
	lp := s.localPath(src)
	if importer.IsExternal(lp) || strings.Contains(strings.SplitN(lp, "/", 2)[0], ":") {
		return "", "", false
	}
	u, err := url.Parse(lp)
	if err != nil {
		return "", "", true
	}
	clean := u.Path
	if s.base != "" && strings.HasPrefix(clean, "/") {
		orig = s.base + u.EscapedPath()
	}
	var candidates []string
	owner := p
	segs := strings.Split(strings.TrimPrefix(trimContext(clean), "/"), "/")
	switch {
	case len(segs) == 4 && segs[0] == "download" && (segs[1] == "attachments" || segs[1] == "thumbnails"):
		candidates = []string{"download/attachments/" + segs[2] + "/" + segs[3], "attachments/" + segs[2] + "/" + segs[3]}
		if name == "" {
			name = segs[3]
		}
		if q := s.byID[segs[2]]; q != nil {
			owner = q
		}
	case len(segs) >= 3 && segs[0] == "attachments" && !strings.HasPrefix(clean, "/"):
		candidates = []string{clean}
		if q := s.byID[segs[1]]; q != nil {
			owner = q
			if n := q.attach[clean]; n != "" && name == "" {
				name = n
			}
		}
	default:
		return "", orig, true
	}
	if name == "" {
		name = path.Base(clean)
	}
	for _, c := range candidates {
		if s.src.Has(c) {
			if f, ok := s.copy(owner, c, name); ok {
				return f, orig, true
			}
		}
	}
	return "", orig, true
}

// attachmentByName finds an attachment of the page by its file name, as a
// file macro names it.
func (s *space) attachmentByName(p *page, name string) (string, bool) {
	if name == "" {
		return "", false
	}
	for src, n := range p.attach {
		if n == name {
			return s.copy(p, src, name)
		}
	}
	if p.id != "" {
		for _, c := range []string{"download/attachments/" + p.id + "/" + name, "attachments/" + p.id + "/" + name} {
			if s.src.Has(c) {
				return s.copy(p, c, name)
			}
		}
	}
	return "", false
}

// copy writes an attachment next to its page once, under a safe name that
// keeps the file's extension, and returns where it went.
func (s *space) copy(owner *page, src, name string) (string, bool) {
	if f, ok := s.copied[src]; ok {
		return f, f != ""
	}
	data, err := s.src.ReadFile(src)
	if err != nil {
		s.rep.Problemf(src, "attachment not imported: %v", err)
		s.copied[src] = ""
		return "", false
	}
	safe := importer.SafeFileName(name)
	if path.Ext(safe) == "" {
		safe += strings.ToLower(path.Ext(src))
	}
	f := s.names.Claim(path.Join(path.Dir(owner.file), safe))
	s.copied[src] = f
	s.files = append(s.files, importer.File{Path: f, Data: data})
	return f, true
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// links rewrites every link: to a page of the space as a relative link to
// its file (with the heading's new id), to an attachment as a link to the
// copy; a link the source cannot resolve is listed in the report.
func (s *space) links(p *page, body *html.Node) {
	for _, a := range importer.FindAll(body, importer.Tag("a")) {
		href := strings.TrimSpace(importer.Attr(a, "href"))
		if href == "" || importer.InNote(a) {
			continue
		}
		importer.SetAttr(a, "href", s.resolve(p, a, href))
	}
}

func (s *space) resolve(p *page, a *html.Node, href string) string {
	if strings.HasPrefix(href, "#") {
		return "#" + p.anchor(href[1:])
	}
	lp := s.localPath(href)
	if importer.IsExternal(lp) || hasScheme(lp) {
		return href
	}
	u, err := url.Parse(lp)
	if err != nil {
		s.unresolved(p, href, "not a valid address")
		return href
	}
	if t := s.pageTarget(p, a, u); t != nil {
		s.rewritten()
		return importer.RelURL(p.file, t.file, t.anchor(u.Fragment))
	}
	if key, title, ok := displayTarget(lp); ok && title != "" && (s.key == "" || strings.EqualFold(key, s.key)) {
		return s.redLink(p, href, title, "no page titled “"+title+"” in the space")
	}
	if path.Base(u.Path) == "createpage.action" {
		return s.createLink(p, href, u)
	}
	if file, orig, _ := s.attachment(p, href, importer.Attr(a, "data-linked-resource-default-alias")); file != "" {
		s.used[file] = true
		s.rewritten()
		return importer.RelURL(p.file, file, "")
	} else if isAttachmentURL(u.Path) {
		s.missing(p, attachmentName(href), orig)
		if orig != "" {
			return orig
		}
		return href
	}
	if s.base != "" && strings.HasPrefix(lp, "/") {
		s.unresolved(p, href, "not a page or attachment of the space: linked to the old site")
		return s.base + lp
	}
	s.unresolved(p, href, "not a page or attachment of the space")
	return href
}

func hasScheme(s string) bool {
	i := strings.IndexAny(s, ":/?#")
	return i > 0 && s[i] == ':'
}

func isAttachmentURL(p string) bool {
	p = strings.TrimPrefix(trimContext(p), "/")
	return strings.HasPrefix(p, "download/attachments/") || strings.HasPrefix(p, "download/thumbnails/") || strings.HasPrefix(p, "attachments/")
}

// pageTarget finds the page a link leads to: by /display/ title, page id
// (viewpage.action?pageId=, /spaces/KEY/pages/ID), export file name, or
// the ids and titles the editor wrote on the link.
func (s *space) pageTarget(p *page, a *html.Node, u *url.URL) *page {
	if key, title, ok := displayTarget(u.String()); ok && (s.key == "" || strings.EqualFold(key, s.key)) {
		if title == "" {
			return s.home
		}
		if t := s.byTitle[titleKey(title)]; t != nil {
			return t
		}
		return nil
	}
	segs := strings.Split(strings.TrimPrefix(trimContext(u.Path), "/"), "/")
	switch {
	case path.Base(u.Path) == "viewpage.action":
		return s.byID[u.Query().Get("pageId")]
	case len(segs) >= 4 && segs[0] == "spaces" && segs[2] == "pages":
		return s.byID[segs[3]]
	case !strings.HasPrefix(u.Path, "/") && strings.HasSuffix(u.Path, ".html"):
		if u.Path == "index.html" {
			return s.home
		}
		return s.byFile[path.Base(u.Path)]
	}
	if importer.Attr(a, "data-linked-resource-type") == "page" {
		if t := s.byID[importer.Attr(a, "data-linked-resource-id")]; t != nil {
			return t
		}
		return s.byTitle[titleKey(importer.Attr(a, "data-linked-resource-default-alias"))]
	}
	return nil
}

// createLink handles Confluence's "create page" links, which stand for a
// page that did not exist. When the title is itself the address of a page
// of the space (an author pasted a URL as a link title), the link is
// repaired to that page; otherwise it becomes a link to a missing page.
func (s *space) createLink(p *page, href string, u *url.URL) string {
	title := importer.CleanTitle(u.Query().Get("title"))
	target := s.byTitle[titleKey(title)]
	why := "a “create page” link for “" + title + "”, which is now a page of the space"
	if target == nil {
		if _, t, ok := displayTarget(title); ok && t != "" {
			target = s.byTitle[titleKey(t)]
			why = "a “create page” link whose title is the address of the page “" + t + "”"
		}
	}
	if target == nil {
		return s.redLink(p, href, title, "a Confluence “create page” link: the page “"+title+"” never existed")
	}
	if s.final {
		s.rep.Repaired = append(s.rep.Repaired, importer.Link{Page: p.file, Target: href, Reason: why})
	}
	s.rewritten()
	return importer.RelURL(p.file, target.file, "")
}

// redLink points a link at the page it names, which does not exist: the
// wiki shows it as a missing page, ready to be written.
func (s *space) redLink(p *page, href, title, why string) string {
	s.unresolved(p, href, why)
	slug := importer.Slug(strings.TrimPrefix(path.Base("/"+title), "/"))
	return importer.RelURL(p.file, path.Join(s.into, slug+".md"), "")
}

func (s *space) unresolved(p *page, href, why string) {
	if s.final {
		s.rep.Unresolved = append(s.rep.Unresolved, importer.Link{Page: p.file, Target: href, Reason: why})
	}
}
