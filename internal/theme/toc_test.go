package theme

import (
	"testing"

	"github.com/gitwiki/gitwiki/internal/render"
)

func TestNestTOC(t *testing.T) {
	got := NestTOC([]render.Heading{{Level: 2, ID: "a"}, {Level: 3, ID: "a1"}, {Level: 4, ID: "a1x"}, {Level: 3, ID: "a2"}, {Level: 2, ID: "b"}, {Level: 4, ID: "b1"}})
	if len(got) != 2 || len(got[0].Children) != 2 || got[0].Children[0].Children[0].ID != "a1x" || got[1].Children[0].ID != "b1" {
		t.Fatalf("got %+v", got)
	}
}
