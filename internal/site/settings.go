package site

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// SettingsFile is where a wiki keeps its own settings, at the content root,
// versioned and reviewed like pages.
const SettingsFile = "wiki.yaml"

// Edit policies from wiki.yaml.
const (
	PolicyReview = "review"
	PolicyOpen   = "open"
	PolicyClosed = "closed"
)

// Settings are the site settings from wiki.yaml.
type Settings struct {
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
	Language    string   `yaml:"language"`
	Nav         []string `yaml:"nav"`
	EditPolicy  string   `yaml:"edit_policy"`
	License     string   `yaml:"license"`
	LicenseURL  string   `yaml:"license_url"`
	Footer      string   `yaml:"footer"`
	// Languages the wiki is written in, and the folders that hold each
	// (see Language). The site language is the source of translations.
	Languages []Language `yaml:"languages"`
}

// DefaultSettings apply to a wiki without wiki.yaml, and fill keys it leaves out.
func DefaultSettings() Settings {
	return Settings{Title: "Wiki", Language: "en", EditPolicy: PolicyReview}
}

// ParseSettings reads wiki.yaml. Errors are returned with the defaults, so a
// broken settings file never takes the wiki down: it is reported instead.
func ParseSettings(b []byte) (Settings, error) {
	s := DefaultSettings()
	if len(b) > 256<<10 {
		return s, fmt.Errorf("%s is larger than 256 KiB", SettingsFile)
	}
	var f Settings
	if err := yaml.Unmarshal(b, &f); err != nil {
		return s, fmt.Errorf("%s: %w", SettingsFile, err)
	}
	if f.Title != "" {
		s.Title = f.Title
	}
	var langErr error
	s.Language, s.Languages, langErr = settleLanguages(f.Language, f.Languages)
	s.Description, s.Nav, s.License, s.LicenseURL, s.Footer = f.Description, f.Nav, f.License, f.LicenseURL, f.Footer
	switch p := strings.ToLower(strings.TrimSpace(f.EditPolicy)); p {
	case "":
	case PolicyReview, PolicyOpen, PolicyClosed:
		s.EditPolicy = p
	default:
		return s, errors.Join(langErr, fmt.Errorf("%s: edit_policy %q is not one of review, open, closed; using review", SettingsFile, f.EditPolicy))
	}
	if u := strings.ToLower(s.LicenseURL); u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		s.LicenseURL = ""
		return s, errors.Join(langErr, fmt.Errorf("%s: license_url must be an http(s) URL", SettingsFile))
	}
	return s, langErr
}
