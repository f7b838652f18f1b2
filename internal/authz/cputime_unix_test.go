//go:build unix

package authz

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the test process has used. Benchmarks
// report it per operation next to wall-clock time, which on a shared,
// overloaded machine says more about the neighbours than about the code.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
