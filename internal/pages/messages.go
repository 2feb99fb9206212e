package pages

import "github.com/gitwiki/gitwiki/internal/i18n"

// problems are the English of every refusal, by key; the theme's catalog
// holds the same sentences as problem.<key>, in every language it speaks
// (a test holds the English equal). Reason is this text filled in, for
// logs and tests; the web says the catalog's in the reader's language.
var problems = map[string]string{
	"file_empty":          "The file “{{.Name}}” is empty.",
	"file_too_large":      "The file “{{.Name}}” is larger than {{.MB}} MB.",
	"file_kind":           "The file “{{.Name}}” is not a PNG, JPEG, GIF or WebP image or a PDF. Other kinds of file (SVG included) cannot be uploaded.",
	"text_too_long":       "The text is {{.Size}} bytes long; the limit is {{.Limit}} bytes.",
	"not_utf8":            "The text is not valid UTF-8. Save it with UTF-8 encoding and try again.",
	"control_char":        "Line {{.Line}} contains an invisible control character (U+{{.Code}}). Remove it and try again.",
	"single_line":         "This field must be a single line.",
	"field_too_long":      "This field is longer than {{.Limit}} characters.",
	"name_newline":        "Your name cannot contain a line break.",
	"email_newline":       "Your email address cannot contain a line break.",
	"bad_email":           "“{{.Email}}” does not look like an email address. Leave the field empty to stay anonymous.",
	"reserved_email":      "Addresses in the .invalid domain (such as {{.Example}}) are the wiki's own. Use your own address, or leave the field empty.",
	"bad_base":            "The version this edit started from (“{{.Base}}”) is not a revision of this wiki. Copy your text, reload the editor and paste it again.",
	"base_missing":        "The version this edit started from is not part of this wiki. Copy your text, reload the editor and paste it again.",
	"front_matter":        "The page's front matter (the block between the --- lines at the top) could not be read: {{.Error}}. Fix it, or remove the block, and save again.",
	"front_matter_update": "The page's front matter could not be updated: {{.Error}}.",
	"title_front_matter":  "The title could not be written into the front matter: {{.Error}}.",
	"move_gone":           "There is no page “{{.Page}}” to move: it may have been moved or deleted meanwhile.",
	"move_same":           "Choose a new name for the page, other than its current one and the home page.",
	"page_exists":         "A page called “{{.Page}}” exists already.",
	"file_exists":         "A file exists already at {{.File}}.",
	"delete_gone":         "There is no page “{{.Page}}” to delete: it may have been deleted already.",
	"bad_name":            "This page name cannot be used: {{.Reason}}.",
	"conflict_markers":    "The text still holds the conflict markers (the lines starting with <<<<<<<, |||||||, ======= and >>>>>>>). In each place, keep the text that is right, delete the rest and the marker lines, then save again.",
	"attachment_exists":   "A different file called “{{.Name}}” is already stored next to this page. Rename your file and attach it again; your text is kept.",
	"preview_too_large":   "The text is larger than 1 MB.",
	"bad_lang":            "“{{.Lang}}” is not a language tag. Use a tag such as es, fr or pt-BR.",
	"bad_weight":          "The order must be a whole number, such as 10 or -2, or empty.",
	"section_gone":        "The page has no section {{.N}} in the version you started from. Open the editor again from the page.",
}

// Messages are the English refusals by catalog key, for the test that
// holds the catalog to them.
func Messages() map[string]string {
	out := make(map[string]string, len(problems))
	for k, v := range problems {
		out["problem."+k] = v
	}
	return out
}

// problem is a refusal: key names its sentence, args are name-value pairs
// to fill in.
func problem(field string, kind Kind, key string, args ...any) *Problem {
	return &Problem{Field: field, Kind: kind, Key: "problem." + key, Args: args, Reason: i18n.Fill(problems[key], args...)}
}

// Refusal is a Problem made outside the package (the web's preview limit),
// with one of the sentences above.
func Refusal(field string, kind Kind, key string, args ...any) *Problem {
	return problem(field, kind, key, args...)
}

// Say is the refusal in the catalog's words, for the web.
func (p *Problem) Say() (string, []any, string) { return p.Key, p.Args, p.Reason }
