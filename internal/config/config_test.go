package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "gitwiki.yaml")
	os.WriteFile(file, []byte("addr: 127.0.0.1:9000\ndata: /srv/wiki\nwrite_burst: 5\n"), 0o644)
	c := Default()
	if err := c.LoadFile(file); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITWIKI_ADDR": "0.0.0.0:8081", "GITWIKI_LOG_IPS": "true"}
	if err := c.FromEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:8081" || c.Data != "/srv/wiki" || c.WriteBurst != 5 || !c.LogIPs || c.Repo != "/srv/wiki/wiki.git" {
		t.Fatalf("got %+v", c)
	}
}

func TestInvalid(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"addr", func(c *Config) { c.Addr = "8080" }, "host:port"},
		{"dir escape", func(c *Config) { c.Dir = "../x" }, "relative folder"},
		{"base url", func(c *Config) { c.BaseURL = "javascript:alert(1)" }, "absolute http"},
		{"negative", func(c *Config) { c.WriteBurst = -1 }, "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.mod(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestUnknownKeyAndBadEnv(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("adr: x\n"), 0o644)
	c := Default()
	if err := c.LoadFile(file); err == nil {
		t.Fatal("unknown key accepted")
	}
	if err := c.FromEnv(func(k string) string {
		if k == "GITWIKI_WRITE_BURST" {
			return "lots"
		}
		return ""
	}); err == nil {
		t.Fatal("bad number accepted")
	}
}

func TestTrustedProxy(t *testing.T) {
	c := Default()
	if err := c.FromEnv(func(k string) string {
		if k == "GITWIKI_TRUSTED_PROXY" {
			return "10.0.0.0/8, 127.0.0.1 ::1"
		}
		return ""
	}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(c.Proxies) != 3 || c.Proxies[1].String() != "127.0.0.1/32" || c.Proxies[2].String() != "::1/128" {
		t.Fatalf("proxies %v", c.Proxies)
	}
	c.TrustedProxy = []string{"10.0.0.0/99"}
	if err := c.Validate(); err == nil {
		t.Fatal("a bad range was accepted")
	}
	if d := Default(); len(d.TrustedProxy) != 0 {
		t.Fatal("a proxy is trusted by default")
	}
}
