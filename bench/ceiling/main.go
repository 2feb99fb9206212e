// Command ceiling is the fastest a page server can be in Go: a minimal
// net/http server returning bytes held in memory. bench/run.sh captures
// gitwiki's responses into a folder and serves them with it, so wrk
// against this server is the ceiling gitwiki's page views are compared to.
//
//	ceiling -addr 127.0.0.1:18090 -dir DIR    (DIR/MAP lists "path<TAB>file")
package main

import (
	"bufio"
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	dir := flag.String("dir", ".", "folder with MAP and the response bodies")
	flag.Parse()
	f, err := os.Open(filepath.Join(*dir, "MAP"))
	if err != nil {
		log.Fatal(err)
	}
	bodies := map[string][]byte{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		p, file, ok := strings.Cut(s.Text(), "\t")
		if !ok {
			continue
		}
		b, err := os.ReadFile(filepath.Join(*dir, file))
		if err != nil {
			log.Fatal(err)
		}
		bodies[p] = b
	}
	f.Close()
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	})))
}
