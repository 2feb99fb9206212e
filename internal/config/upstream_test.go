package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUpstreamSettings: the upstream settings come from the file and the
// environment like the others, the interval parses as a duration, and an
// onion address must be one.
func TestUpstreamSettings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "gitwiki.yaml")
	os.WriteFile(file, []byte("upstream: ssh://git@host.example/org/wiki.git\nfetch_every: 5m\nssh_key: /etc/gitwiki/key\nknown_hosts: /etc/gitwiki/known_hosts\n"), 0o644)
	c := Default()
	if c.FetchEvery != time.Minute {
		t.Fatalf("default fetch_every %s, want 1m", c.FetchEvery)
	}
	if err := c.LoadFile(file); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITWIKI_FETCH_EVERY": "90s", "GITWIKI_ONION_URL": "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion/"}
	if err := c.FromEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Upstream != "ssh://git@host.example/org/wiki.git" || c.FetchEvery != 90*time.Second || c.SSHKey != "/etc/gitwiki/key" ||
		c.KnownHosts != "/etc/gitwiki/known_hosts" || strings.HasSuffix(c.OnionURL, "/") {
		t.Fatalf("got %+v", c)
	}
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"short interval", func(c *Config) { c.FetchEvery = time.Millisecond }, "at least 1s"},
		{"key without upstream", func(c *Config) { c.SSHKey = "k" }, "set upstream"},
		{"onion not onion", func(c *Config) { c.OnionURL = "https://example.org" }, ".onion"},
		{"onion with query", func(c *Config) { c.OnionURL = "http://x.onion/?a=b" }, ".onion"},
		{"onion scheme", func(c *Config) { c.OnionURL = "javascript://x.onion" }, ".onion"},
	} {
		c := Default()
		tc.mod(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	c = Default()
	if err := c.FromEnv(func(k string) string { return map[string]string{"GITWIKI_FETCH_EVERY": "often"}[k] }); err == nil {
		t.Fatal("GITWIKI_FETCH_EVERY=often accepted")
	}
}
