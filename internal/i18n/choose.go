package i18n

import (
	"golang.org/x/text/language"
)

// Choose is the interface language for a reader on a view that has no
// language of its own (search, the page list, a new page's editor): their
// choice (the picker's cookie) when the catalog has it, else the best match
// of their browser's Accept-Language, else the site's language.
func (c *Catalog) Choose(choice, acceptLanguage, site string) string {
	if choice != "" {
		if l := c.best(choice); l != "" {
			return l
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			have := make([]language.Tag, 0, len(c.langs))
			for _, l := range c.langs {
				have = append(have, language.Make(l))
			}
			// The site's language first among equals: the matcher prefers
			// its first tag when nothing matches.
			if s := c.best(site); s != "" {
				have = append([]language.Tag{language.Make(s)}, have...)
			}
			_, i, conf := language.NewMatcher(have).Match(tags...)
			if conf != language.No {
				if l := c.best(have[i].String()); l != "" {
					return l
				}
			}
		}
	}
	if l := c.best(site); l != "" {
		return l
	}
	return Source
}
