package apply

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// bulkMemoryFloor is the heap a bulk apply may grow to before the garbage
// collector works hard: apply allocates much short-lived memory (every
// object is parsed, checked, spooled and encoded), and collecting less
// often is the cheapest speed-up there is. What stays live — about 150
// bytes per object for the checks across the file, and the plan in memory
// — is far below it for 100,000 objects.
const bulkMemoryFloor = 128 << 20

// tuneGC makes the collector run rarely: GOGC 800 with a memory limit of
// bulkMemoryFloor, raised to twice the live heap while that outgrows it, as
// GOGC=100 would (a fixed limit near the live heap would make the collector
// run without pause). GOGC or GOMEMLIMIT set by the user win. The returned
// function restores the settings.
func tuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	limit := debug.SetMemoryLimit(bulkMemoryFloor)
	percent := debug.SetGCPercent(800)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				metrics.Read(sample)
				if sample[0].Value.Kind() == metrics.KindUint64 {
					live := int64(sample[0].Value.Uint64())
					debug.SetMemoryLimit(max(bulkMemoryFloor, 2*live))
				}
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
