// Package config is the server's configuration: defaults, then a file, then
// GITWIKI_* environment variables, then flags (applied by cmd), then Validate.
// Site settings (title, edit policy) are not here: they live in wiki.yaml in
// the content repository.
package config

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is every server setting.
type Config struct {
	Addr    string `yaml:"addr"`     // listen address
	Data    string `yaml:"data"`     // server state: users, session key, caches
	Repo    string `yaml:"repo"`     // content repository; default DATA/wiki.git
	Branch  string `yaml:"branch"`   // served branch; default the repository's HEAD
	Dir     string `yaml:"dir"`      // content root inside the repository
	Theme   string `yaml:"theme"`    // theme directory; default the embedded theme
	BaseURL string `yaml:"base_url"` // public URL, for absolute links in feeds
	// LogIPs records client addresses in the access log. Off by default: the
	// wiki's readers may be at risk if their addresses are kept.
	LogIPs bool `yaml:"log_ips"`
	// ObjectCacheMB bounds git's decoded-object cache.
	ObjectCacheMB int `yaml:"object_cache_mb"`
	// RenderCacheEntries bounds the rendered-HTML cache by pages, and
	// RenderCacheMB by bytes.
	RenderCacheEntries int `yaml:"render_cache_entries"`
	RenderCacheMB      int `yaml:"render_cache_mb"`
	// ViewCacheMB bounds the whole responses kept for anonymous readers.
	ViewCacheMB int `yaml:"view_cache_mb"`
	// MemoryLimitMB is the soft memory limit of the Go runtime: the
	// collector works harder as the heap nears it, instead of letting the
	// heap grow to twice what is live. 0 leaves the runtime's default.
	MemoryLimitMB int `yaml:"memory_limit_mb"`
	// WriteBurst and WritesPerHour limit anonymous writes per client.
	WriteBurst    int `yaml:"write_burst"`
	WritesPerHour int `yaml:"writes_per_hour"`
	// TrustedProxy lists the reverse proxies (addresses or CIDR ranges)
	// whose X-Forwarded-For names the client. Empty by default: a header
	// anyone can send must not choose whose limits a request spends.
	TrustedProxy []string `yaml:"trusted_proxy"`
	// Proxies is TrustedProxy parsed, by Validate.
	Proxies []netip.Prefix `yaml:"-"`
	// Upstream is the git repository the wiki syncs with: https://...,
	// ssh://... or user@host:path, file:///... or a local path. Its
	// credentials never go here: the HTTPS token is read from
	// GITWIKI_UPSTREAM_TOKEN only, and SSHKey names a key file.
	Upstream string `yaml:"upstream"`
	// FetchEvery is the interval between fetches from the upstream.
	FetchEvery time.Duration `yaml:"fetch_every"`
	SSHKey     string        `yaml:"ssh_key"`     // private key file for an SSH upstream
	KnownHosts string        `yaml:"known_hosts"` // known_hosts file for an SSH upstream
	// OnionURL is the wiki's onion service address, sent to Tor Browser
	// in the Onion-Location header.
	OnionURL string `yaml:"onion_url"`
}

// Default is the configuration with no file, environment or flags.
func Default() Config {
	return Config{
		Addr:               "127.0.0.1:8080",
		Data:               "data",
		ObjectCacheMB:      16,
		RenderCacheEntries: 4096,
		RenderCacheMB:      8,
		ViewCacheMB:        16,
		MemoryLimitMB:      224,
		WriteBurst:         20,
		WritesPerHour:      60,
		FetchEvery:         60 * time.Second,
	}
}

// LoadFile overlays the YAML file at path. Unknown keys are an error, so a
// typo does not silently keep a default.
func (c *Config) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// FromEnv overlays GITWIKI_* variables read through getenv.
func (c *Config) FromEnv(getenv func(string) string) error {
	str := map[string]*string{
		"GITWIKI_ADDR": &c.Addr, "GITWIKI_DATA": &c.Data, "GITWIKI_REPO": &c.Repo,
		"GITWIKI_BRANCH": &c.Branch, "GITWIKI_DIR": &c.Dir, "GITWIKI_THEME": &c.Theme,
		"GITWIKI_BASE_URL": &c.BaseURL, "GITWIKI_UPSTREAM": &c.Upstream, "GITWIKI_SSH_KEY": &c.SSHKey,
		"GITWIKI_KNOWN_HOSTS": &c.KnownHosts, "GITWIKI_ONION_URL": &c.OnionURL,
	}
	for k, p := range str {
		if v := getenv(k); v != "" {
			*p = v
		}
	}
	ints := map[string]*int{
		"GITWIKI_OBJECT_CACHE_MB": &c.ObjectCacheMB, "GITWIKI_RENDER_CACHE_ENTRIES": &c.RenderCacheEntries,
		"GITWIKI_RENDER_CACHE_MB": &c.RenderCacheMB, "GITWIKI_VIEW_CACHE_MB": &c.ViewCacheMB, "GITWIKI_MEMORY_LIMIT_MB": &c.MemoryLimitMB,
		"GITWIKI_WRITE_BURST": &c.WriteBurst, "GITWIKI_WRITES_PER_HOUR": &c.WritesPerHour,
	}
	for k, p := range ints {
		if v := getenv(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%s=%q is not a number", k, v)
			}
			*p = n
		}
	}
	if v := getenv("GITWIKI_TRUSTED_PROXY"); v != "" {
		c.TrustedProxy = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	}
	if v := getenv("GITWIKI_FETCH_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("GITWIKI_FETCH_EVERY=%q is not a duration such as 60s", v)
		}
		c.FetchEvery = d
	}
	if v := getenv("GITWIKI_LOG_IPS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("GITWIKI_LOG_IPS=%q is not true or false", v)
		}
		c.LogIPs = b
	}
	return nil
}

// Validate checks the settings and fills derived defaults.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q: want host:port", c.Addr)
	}
	if c.Data == "" {
		return errors.New("data directory is empty")
	}
	if c.Repo == "" {
		c.Repo = filepath.Join(c.Data, "wiki.git")
	}
	if strings.HasPrefix(c.Dir, "/") || strings.Contains(c.Dir, "..") {
		return fmt.Errorf("dir %q must be a relative folder inside the repository", c.Dir)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base_url %q must be an absolute http(s) URL", c.BaseURL)
		}
		c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	}
	c.Proxies = c.Proxies[:0]
	for _, s := range c.TrustedProxy {
		p, err := parsePrefix(s)
		if err != nil {
			return fmt.Errorf("trusted_proxy %q: want an address or a CIDR range such as 10.0.0.0/8", s)
		}
		c.Proxies = append(c.Proxies, p)
	}
	if err := c.validateUpstream(); err != nil {
		return err
	}
	for name, v := range map[string]int{"object_cache_mb": c.ObjectCacheMB, "render_cache_entries": c.RenderCacheEntries, "render_cache_mb": c.RenderCacheMB,
		"view_cache_mb": c.ViewCacheMB, "memory_limit_mb": c.MemoryLimitMB, "write_burst": c.WriteBurst, "writes_per_hour": c.WritesPerHour} {
		if v < 0 {
			return fmt.Errorf("%s must not be negative", name)
		}
	}
	return nil
}

// validateUpstream checks the upstream settings. The address itself is
// checked when the server connects (internal/store/remote), which also
// refuses one holding a password or token.
func (c *Config) validateUpstream() error {
	if c.FetchEvery < time.Second {
		return fmt.Errorf("fetch_every %s: want at least 1s", c.FetchEvery)
	}
	if c.Upstream == "" && (c.SSHKey != "" || c.KnownHosts != "") {
		return errors.New("ssh_key and known_hosts are for an upstream: set upstream too")
	}
	if c.OnionURL != "" {
		u, err := url.Parse(c.OnionURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.HasSuffix(u.Hostname(), ".onion") ||
			u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("onion_url %q must be an http(s) address of a .onion host, such as http://example.onion", c.OnionURL)
		}
		c.OnionURL = strings.TrimSuffix(c.OnionURL, "/")
	}
	return nil
}

// parsePrefix reads a CIDR range, or a single address as its own range.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}
