package main

import (
	"runtime/debug"

	"github.com/gitwiki/gitwiki/internal/config"
)

// applyMemoryLimit sets the runtime's soft memory limit from the
// configuration, unless GOMEMLIMIT set one already: the collector then
// keeps the heap under it instead of letting it grow to twice what is
// live. A soft limit never fails an allocation; past it, collection costs
// more CPU (at most about half of it, by the runtime's own bound).
func applyMemoryLimit(c config.Config, getenv func(string) string) {
	if c.MemoryLimitMB <= 0 || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(c.MemoryLimitMB) << 20)
}
