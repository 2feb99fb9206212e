package i18n

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Script is the messages keys in l's language as JSON, for the theme's
// scripts, which cannot ask the server: a message is its text, or for a
// plural one an object of its CLDR forms ({"one": …, "other": …}) that
// the script picks from with Intl.PluralRules. Script messages fill in
// {name} words themselves, so they are passed on as written.
func (l *Lang) Script(keys ...string) string {
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		m := l.c.raw[l.ui][k]
		if m == nil {
			m = l.c.raw[Source][k]
		}
		if m == nil {
			continue
		}
		forms := map[string]string{}
		for name, text := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many} {
			if text != "" {
				forms[name] = text
			}
		}
		if len(forms) == 0 {
			out[k] = m.Other
			continue
		}
		forms["other"] = m.Other
		out[k] = forms
	}
	b, _ := json.Marshal(out) // strings and maps of strings always marshal
	return string(b)
}

// Name is what l calls the language tag ("inglés" in Spanish for "en"),
// for sentences such as "the English version changed"; the tag itself
// when the language has no name for it.
func (l *Lang) Name(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	ui, err := language.Parse(l.ui)
	if err != nil {
		ui = language.English
	}
	if n := display.Languages(ui).Name(t); n != "" {
		return n
	}
	return tag
}

// SelfName is the language as it calls itself ("Español", "العربية"), so
// a reader finds their own language in a switcher without reading another;
// the first letter is capitalised, as at the start of a menu item.
func SelfName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	n := display.Self.Name(t)
	if n == "" {
		return tag
	}
	// "pt-BR" is named like "pt"; the region tells the two apart.
	if reg, c := t.Region(); c == language.Exact && strings.Contains(tag, "-") {
		if b, _ := t.Base(); display.Self.Name(language.Make(b.String())) == n {
			if rn := display.Regions(t).Name(reg); rn != "" {
				n += " (" + rn + ")"
			}
		}
	}
	r, size := utf8.DecodeRuneInString(n)
	return string(unicode.ToTitle(r)) + n[size:]
}

// Fill writes name-value pairs into an English message as the catalog
// would ("{{.Name}}" → the value). Domain packages use it to say in logs
// and on the command line the sentence the catalog says on the web, from
// the same text: a test holds the two equal.
func Fill(msg string, args ...any) string {
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		v := args[i+1]
		if s, ok := v.(Sayer); ok {
			_, _, v = s.Say()
		}
		msg = strings.ReplaceAll(msg, "{{."+name+"}}", fmt.Sprint(v))
	}
	return msg
}

// Sayer is a sentence a domain package tells a person, usually an error:
// its catalog key, its name-value arguments, and its English. The web
// says it in the reader's language; logs and the command line in English.
type Sayer interface {
	Say() (key string, args []any, english string)
}

// Say is what s says in l's language: the catalog's message when it has
// the key, else s's English. Arguments that are Sayers are said too.
func (l *Lang) Say(s Sayer) string {
	key, args, english := s.Say()
	if key == "" || !l.c.keys[key] {
		return english
	}
	return l.T(key, l.sayArgs(args)...)
}

// sayArgs says the Sayer values of name-value pairs, and writes numbers as
// the language does.
func (l *Lang) sayArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case Sayer:
			out[i] = l.Say(v)
		case int:
			if i%2 == 1 {
				out[i] = l.Number(v)
			} else {
				out[i] = v
			}
		default:
			out[i] = a
		}
	}
	return out
}
