package jekyll

import (
	"html"
	"path"
	"strings"
)

// maxIncludeDepth bounds includes that include themselves.
const maxIncludeDepth = 5

// include renders {% include file.html key="value" ... %}: the include's
// own source with its parameters filled in, when all of its Liquid is
// simple; otherwise, when the parameters name an image (url, src, file,
// image or path), a markdown image with the alt text the parameters give.
// Anything else is reported and dropped.
func (l *liquid) include(tag, args string) string {
	file, params := includeArgs(args, l)
	if file == "" {
		l.lost[tag] = true
		return ""
	}
	s := l.d.site
	var src string
	if tag == "include_relative" {
		src = s.path(path.Join(path.Dir(strings.TrimPrefix(strings.TrimPrefix(l.d.src, s.dir), "/")), file))
	} else {
		src = s.path(path.Join("_includes", file))
	}
	if l.depth < maxIncludeDepth && l.r.src.Has(src) {
		if b, err := l.r.src.ReadFile(src); err == nil {
			sub := &liquid{r: l.r, d: l.d, vars: params, depth: l.depth + 1, lost: map[string]bool{}}
			out := sub.render(string(b))
			if len(sub.lost) == 0 {
				return out
			}
		}
	}
	for _, k := range []string{"url", "src", "file", "image", "path", "img"} {
		if u := params[k]; u != "" {
			alt := ""
			for _, a := range []string{"alt", "description", "caption", "title"} {
				if params[a] != "" {
					alt = params[a]
					break
				}
			}
			return "![" + escapeLabel(alt) + "](<" + u + ">)"
		}
	}
	l.lost["include "+file] = true
	return ""
}

func escapeLabel(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`, "\n", " ").Replace(s)
}

// includeArgs reads the file name and key=value parameters; values are
// quoted strings or variables.
func includeArgs(args string, l *liquid) (string, map[string]string) {
	fields := splitArgs(args)
	if len(fields) == 0 {
		return "", nil
	}
	file := strings.Trim(fields[0], `"'`)
	if strings.HasPrefix(fields[0], "{{") {
		return "", nil
	}
	params := map[string]string{}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		if val, ok := l.value(v); ok {
			params[strings.TrimSpace(k)] = html.UnescapeString(val)
		}
	}
	return file, params
}

// splitArgs splits at spaces outside quotes.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	for _, c := range s {
		switch {
		case quote != 0:
			cur.WriteRune(c)
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
			cur.WriteRune(c)
		case c == ' ' || c == '\t' || c == '\n':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(c)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
