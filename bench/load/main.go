// Command load drives a running wiki server over HTTP for bench/run.sh:
// start-up, page visits, edits, proposals, concurrent editors and mixed
// load. It prints one "FIGURE name value unit" line per measurement, which
// run.sh collects; everything else it prints is commentary.
//
//	load wait     -url U -page P -since NANOS
//	load visit    -url U -pages FILE [-c 4]
//	load latency  -url U -path /-/history/P [-n 50] [-name history]
//	load edits    -url U -user NAME -pass PW [-n 30] -page P
//	load propose  -url U -user NAME -pass PW [-n 10] -page P
//	load editors  -url U -user NAME -pass PW -pages FILE [-editors 50] [-rounds 4]
//	load mixed    -url U -pages FILE -duration 2m [-c 8] -user NAME -pass PW
//
// It only talks to the address it is given (run.sh gives it 127.0.0.1),
// and every loop is bounded by a count or a duration.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load wait|visit|latency|edits|propose|editors|mixed [flags]")
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	fl := flag.NewFlagSet(cmd, flag.ExitOnError)
	o := opts{}
	fl.StringVar(&o.url, "url", "http://127.0.0.1:18080", "server")
	fl.StringVar(&o.page, "page", "", "page name")
	fl.StringVar(&o.path, "path", "", "path to GET")
	fl.StringVar(&o.name, "name", "get", "figure name")
	fl.StringVar(&o.pages, "pages", "", "file of page names, one a line")
	fl.StringVar(&o.user, "user", "bench", "maintainer name")
	fl.StringVar(&o.pass, "pass", "bench-password-1234", "maintainer password")
	fl.IntVar(&o.n, "n", 30, "operations")
	fl.IntVar(&o.c, "c", 4, "concurrency")
	fl.IntVar(&o.editors, "editors", 50, "concurrent editors")
	fl.IntVar(&o.rounds, "rounds", 4, "edits per editor")
	fl.Int64Var(&o.since, "since", 0, "process start, Unix nanoseconds")
	fl.DurationVar(&o.duration, "duration", 2*time.Minute, "mixed load duration")
	fl.Parse(args)
	run := map[string]func(opts) error{
		"wait": wait, "visit": visit, "latency": latency, "edits": edits,
		"propose": propose, "editors": editors, "mixed": mixed,
	}[cmd]
	if run == nil {
		fmt.Fprintln(os.Stderr, "load: unknown command", cmd)
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

type opts struct {
	url, page, path, name, pages, user, pass string
	n, c, editors, rounds                    int
	since                                    int64
	duration                                 time.Duration
}

func figure(name string, v float64, unit string) { fmt.Printf("FIGURE %s %.3f %s\n", name, v, unit) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// pct is the p-th percentile (0..100) of ds, nearest rank.
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:           jar,
		Timeout:       60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
	}
}

func pageURL(base, page string) string {
	return base + "/" + (&url.URL{Path: page}).EscapedPath()
}

// get fetches a URL and reads the body; anything but 200 is an error.
func get(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return b, err
}

// wait polls /-/health, then the page, as fast as it can, and reports the
// times since the process started.
func wait(o opts) error {
	c := &http.Client{Timeout: 30 * time.Second}
	start := time.Unix(0, o.since)
	deadline := time.Now().Add(120 * time.Second)
	for {
		if _, err := get(c, o.url+"/-/health"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the server did not answer /-/health within 120 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
	figure("start_health", ms(time.Since(start)), "ms")
	if _, err := get(c, pageURL(o.url, o.page)); err != nil {
		return err
	}
	figure("start_first_page", ms(time.Since(start)), "ms")
	return waitSearch(c, o.url, start)
}

// waitSearch polls /-/health until the full-text index is built (a first
// start builds it in the background, taking the cores for a while), so
// the figures that follow are of a server in its steady state. A server
// that does not say (an older binary) is not waited for.
func waitSearch(c *http.Client, base string, start time.Time) error {
	deadline := time.Now().Add(10 * time.Minute)
	for {
		b, err := get(c, base+"/-/health")
		if err != nil {
			return err
		}
		if !strings.Contains(string(b), `"search":`) {
			return nil
		}
		if !strings.Contains(string(b), `"search":"starting"`) {
			figure("start_search_ready", ms(time.Since(start)), "ms")
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("the search index was not built within 10 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func readPages(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if l := strings.TrimSpace(s.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out, s.Err()
}

// visit serves every page once, on c connections.
func visit(o opts) error {
	pages, err := readPages(o.pages)
	if err != nil {
		return err
	}
	c := client()
	var next, failed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range o.c {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(pages) {
					return
				}
				if _, err := get(c, pageURL(o.url, pages[i])); err != nil {
					if failed.Add(1) <= 3 {
						fmt.Fprintln(os.Stderr, "visit:", err)
					}
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("visited %d pages in %.1f s, %d failed\n", len(pages), el.Seconds(), failed.Load())
	figure("visit_all_rate", float64(len(pages))/el.Seconds(), "pages/s")
	if failed.Load() > 0 {
		return fmt.Errorf("%d pages failed", failed.Load())
	}
	return nil
}

// latency times n sequential GETs of one path (after one to warm it).
func latency(o opts) error {
	c := client()
	if _, err := get(c, o.url+o.path); err != nil {
		return err
	}
	var ds []time.Duration
	for range o.n {
		t := time.Now()
		if _, err := get(c, o.url+o.path); err != nil {
			return err
		}
		ds = append(ds, time.Since(t))
	}
	figure(o.name+"_p50", ms(pct(ds, 50)), "ms")
	figure(o.name+"_p99", ms(pct(ds, 99)), "ms")
	return nil
}

// login starts a maintainer session in c's cookie jar.
func login(c *http.Client, o opts) error {
	resp, err := c.PostForm(o.url+"/-/login", url.Values{"username": {o.user}, "password": {o.pass}})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("login as %s: %s", o.user, resp.Status)
	}
	return nil
}

var revRe = regexp.MustCompile(`"revision":"([0-9a-f]{40})"`)

// head is the served branch's commit, from /-/health.
func head(c *http.Client, base string) (string, error) {
	b, err := get(c, base+"/-/health")
	if err != nil {
		return "", err
	}
	m := revRe.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("no revision in /-/health: %s", b)
	}
	return string(m[1]), nil
}

// save posts an edit of page on top of base and returns the response's
// status and where it leads.
func save(c *http.Client, o opts, page, base, content string, extra url.Values) (int, string, error) {
	form := url.Values{"content": {content}, "base": {base}, "summary": {"Bench edit"}}
	for k, v := range extra {
		form[k] = v
	}
	resp, err := c.PostForm(o.url+"/-/edit/"+(&url.URL{Path: page}).EscapedPath(), form)
	if err != nil {
		return 0, "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return resp.StatusCode, "", fmt.Errorf("edit %s: %s: %.300s", page, resp.Status, body)
	}
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

func source(c *http.Client, o opts, page string) (string, error) {
	b, err := get(c, o.url+"/-/raw/"+(&url.URL{Path: page}).EscapedPath())
	return string(b), err
}

// edits makes n sequential direct edits of one page as a maintainer.
func edits(o opts) error {
	c := client()
	if err := login(c, o); err != nil {
		return err
	}
	src, err := source(c, o, o.page)
	if err != nil {
		return err
	}
	var ds []time.Duration
	for i := range o.n {
		base, err := head(c, o.url)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("%s\nBench edit %d at %d.\n", src, i, time.Now().UnixNano())
		t := time.Now()
		if _, _, err := save(c, o, o.page, base, text, nil); err != nil {
			return err
		}
		ds = append(ds, time.Since(t))
	}
	figure("edit_p50", ms(pct(ds, 50)), "ms")
	figure("edit_p99", ms(pct(ds, 99)), "ms")
	return nil
}

var (
	proposalRe = regexp.MustCompile(`/-/proposals/([0-9]+)`)
	reviewedRe = regexp.MustCompile(`name="reviewed" value="([0-9a-f]{40})"`)
)

// propose opens n proposals anonymously and merges each as a maintainer.
func propose(o opts) error {
	anon, mnt := client(), client()
	if err := login(mnt, o); err != nil {
		return err
	}
	src, err := source(anon, o, o.page)
	if err != nil {
		return err
	}
	var opens, merges []time.Duration
	for i := range o.n {
		base, err := head(anon, o.url)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("%s\nProposed line %d at %d.\n", src, i, time.Now().UnixNano())
		t := time.Now()
		_, loc, err := save(anon, o, o.page, base, text, url.Values{"name": {"Reader"}, "email": {"reader@example.org"}})
		if err != nil {
			return err
		}
		opens = append(opens, time.Since(t))
		m := proposalRe.FindStringSubmatch(loc)
		if m == nil {
			return fmt.Errorf("the edit did not open a proposal: %s", loc)
		}
		page, err := get(mnt, o.url+"/-/proposals/"+m[1])
		if err != nil {
			return err
		}
		rv := reviewedRe.FindSubmatch(page)
		if rv == nil {
			return fmt.Errorf("proposal %s has no merge form", m[1])
		}
		t = time.Now()
		resp, err := mnt.PostForm(o.url+"/-/proposals/"+m[1]+"/merge", url.Values{"reviewed": {string(rv[1])}, "message": {"Merge bench proposal"}})
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("merge %s: %s: %.300s", m[1], resp.Status, body)
		}
		merges = append(merges, time.Since(t))
		src += fmt.Sprintf("\nProposed line %d.\n", i) // near enough: the next one merges
		if s, err := source(anon, o, o.page); err == nil {
			src = s
		}
	}
	figure("proposal_open_p50", ms(pct(opens, 50)), "ms")
	figure("proposal_open_p99", ms(pct(opens, 99)), "ms")
	figure("proposal_merge_p50", ms(pct(merges, 50)), "ms")
	figure("proposal_merge_p99", ms(pct(merges, 99)), "ms")
	return nil
}

// editors runs o.editors maintainers at once, each editing its own page
// o.rounds times in a row.
func editors(o opts) error {
	pages, err := readPages(o.pages)
	if err != nil {
		return err
	}
	if len(pages) < o.editors {
		return fmt.Errorf("%d pages for %d editors", len(pages), o.editors)
	}
	c := client()
	if err := login(c, o); err != nil {
		return err
	}
	var mu sync.Mutex
	var ds []time.Duration
	var failed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for e := range o.editors {
		page := pages[e*len(pages)/o.editors]
		wg.Go(func() {
			src, err := source(c, o, page)
			if err != nil {
				failed.Add(1)
				return
			}
			for k := range o.rounds {
				base, err := head(c, o.url)
				if err == nil {
					t := time.Now()
					src = fmt.Sprintf("%s\nEditor %d, round %d.\n", src, e, k)
					if _, _, err = save(c, o, page, base, src, nil); err == nil {
						mu.Lock()
						ds = append(ds, time.Since(t))
						mu.Unlock()
					}
				}
				if err != nil && failed.Add(1) <= 3 {
					fmt.Fprintln(os.Stderr, "editors:", err)
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("%d editors × %d edits: %d saved, %d failed in %.1f s\n", o.editors, o.rounds, len(ds), failed.Load(), el.Seconds())
	figure("editors_throughput", float64(len(ds))/el.Seconds(), "edits/s")
	figure("editors_p50", ms(pct(ds, 50)), "ms")
	figure("editors_p99", ms(pct(ds, 99)), "ms")
	if failed.Load() > 0 {
		return fmt.Errorf("%d edits failed", failed.Load())
	}
	return nil
}

// mixed runs readers and a few writers for o.duration: page views (most),
// folder pages, histories, recent changes, the page list, searches, and a
// maintainer's edit every 2 s.
func mixed(o opts) error {
	pages, err := readPages(o.pages)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	words := []string{"password", "encryption policy", "journalist", "backup -cloud", "router", "threat"}
	var done, failed atomic.Int64
	var wg sync.WaitGroup
	for w := range o.c {
		wg.Go(func() {
			c := client()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for ctx.Err() == nil {
				p := pages[r.IntN(len(pages))]
				var u string
				switch k := r.IntN(100); {
				case k < 80:
					u = pageURL(o.url, p)
				case k < 85:
					u = pageURL(o.url, p[:max(strings.LastIndex(p, "/"), 0)])
				case k < 90:
					u = o.url + "/-/history/" + p
				case k < 93:
					u = o.url + "/-/recent"
				case k < 95:
					u = o.url + "/-/pages"
				default:
					u = o.url + "/-/search?q=" + url.QueryEscape(words[r.IntN(len(words))])
				}
				if _, err := get(c, u); err != nil && ctx.Err() == nil {
					if failed.Add(1) <= 3 {
						fmt.Fprintln(os.Stderr, "mixed:", err)
					}
				}
				done.Add(1)
			}
		})
	}
	wg.Go(func() {
		c := client()
		if err := login(c, o); err != nil {
			fmt.Fprintln(os.Stderr, "mixed:", err)
			return
		}
		for i := 0; ctx.Err() == nil; i++ {
			p := pages[i%len(pages)]
			if src, err := source(c, o, p); err == nil {
				if base, err := head(c, o.url); err == nil {
					if _, _, err := save(c, o, p, base, src+"\nMixed-load edit.\n", nil); err != nil {
						failed.Add(1)
					}
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
		}
	})
	wg.Wait()
	fmt.Printf("mixed load: %d requests in %s, %d failed\n", done.Load(), o.duration, failed.Load())
	figure("mixed_rate", float64(done.Load())/o.duration.Seconds(), "req/s")
	return nil
}
