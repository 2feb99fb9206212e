package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/search"
)

// maxSuggestions is how many pages the header box suggests as one types.
const maxSuggestions = 8

// searchSuggest answers /-/search/suggest?q= with pages whose titles start
// like the words typed, as JSON, for the header box's suggestions.
func (s *Server) searchSuggest(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	out := []search.Suggestion{}
	if q != "" {
		s.search.start(s.loader)
		var err error
		var got []search.Suggestion
		if ix := s.search.index(); ix != nil {
			got, err = ix.Suggest(r.Context(), q, maxSuggestions)
		}
		if s.search.index() == nil || err != nil {
			st, herr := s.loader.Head(r.Context())
			if herr != nil {
				return herr
			}
			got = search.TitleMatches(st, q, maxSuggestions)
		}
		out = append(out, got...)
	}
	type suggestion struct {
		search.Suggestion
		URL string `json:"url"`
	}
	list := make([]suggestion, 0, len(out))
	l := links{s: s}
	for _, sg := range out {
		list = append(list, suggestion{sg, l.Page(sg.Page)})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(list)
}
