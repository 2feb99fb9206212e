package i18n

import (
	"strings"

	"golang.org/x/text/language"
)

// NormalizeLang canonicalises a BCP 47 tag ("pt-br" → "pt-BR", "iw" → "he",
// "en_US" → "en-US"). ok is false for a tag that is malformed, names no
// known language ("xx") or names none at all ("und").
func NormalizeLang(s string) (tag string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return "", false
	}
	t, err := language.BCP47.Parse(s)
	if err != nil {
		return "", false
	}
	if _, c := t.Base(); c != language.Exact {
		return "", false
	}
	return t.String(), true
}

// rtlScripts are the ISO 15924 scripts written right to left that a living
// language uses; x/text infers the script of a bare tag ("ur" → Arab).
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true,
	"Adlm": true, "Rohg": true, "Mand": true, "Samr": true, "Yezi": true, "Mend": true,
}

// rtlBases answers for tags x/text cannot read, so a wiki that writes its
// own private tags for, say, Arabic dialects still lays out right to left.
var rtlBases = map[string]bool{"ar": true, "fa": true, "he": true, "ps": true, "ur": true, "yi": true, "dv": true, "ckb": true, "sd": true, "ug": true}

// Dir is the text direction of a language tag: "rtl" for Arabic, Farsi,
// Hebrew, Urdu, Pashto, Yiddish, Dhivehi, Sorani, Sindhi, Uyghur and any tag
// written in a right-to-left script ("ku-Arab"), else "ltr".
func Dir(tag string) string {
	t, err := language.BCP47.Parse(strings.TrimSpace(tag))
	if err != nil {
		base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(tag, "_", "-")), "-")
		if rtlBases[base] {
			return "rtl"
		}
		return "ltr"
	}
	if sc, c := t.Script(); c != language.No && rtlScripts[sc.String()] {
		return "rtl"
	}
	return "ltr"
}
