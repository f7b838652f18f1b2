package apply

import (
	"os"
	"runtime/debug"
)

// bulkMemoryLimit is the heap a bulk apply may grow to before the garbage
// collector works hard: it allocates much short-lived memory (every object
// is parsed, checked, spooled and encoded), and collecting less often is
// the cheapest speed-up there is. Live memory stays far below it.
const bulkMemoryLimit = 128 << 20

// tuneGC makes the collector run rarely below bulkMemoryLimit, unless the
// user set GOGC or GOMEMLIMIT, and returns a function restoring the settings.
func tuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	limit := debug.SetMemoryLimit(bulkMemoryLimit)
	percent := debug.SetGCPercent(800)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
