package render

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// Every page a test renders is sanitized both ways (cleanForm).
	verifyCleanForm = true
	os.Exit(m.Run())
}
