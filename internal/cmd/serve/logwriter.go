package serve

import (
	"io"
	"sync"
	"time"
)

// bufferedLog batches log lines: a request costs a memory copy under a
// short lock, and a background writer sends the lines out at most
// flushEvery later (sooner when flushAt bytes are waiting, and at Close).
// The write to the output happens outside the lock, so a slow stderr never
// stalls a request — until maxBuffered bytes are waiting, when Write writes
// itself (backpressure rather than unbounded memory).
type bufferedLog struct {
	out io.Writer

	mu      sync.Mutex
	pending []byte

	outMu sync.Mutex // serialises writes to out, keeping lines in order
	spare []byte     // the buffer the writer swaps in; guarded by outMu

	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

const (
	flushEvery  = 100 * time.Millisecond
	flushAt     = 256 << 10
	maxBuffered = 8 << 20
)

func newBufferedLog(out io.Writer) *bufferedLog {
	b := &bufferedLog{
		out: out, pending: make([]byte, 0, flushAt), spare: make([]byte, 0, flushAt),
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
	go b.loop()
	return b
}

// Write buffers p (slog writes one whole line per call).
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.pending = append(b.pending, p...)
	n := len(b.pending)
	b.mu.Unlock()
	switch {
	case n >= maxBuffered:
		b.flush() // the writer fell behind: wait for the output
	case n >= flushAt:
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

func (b *bufferedLog) loop() {
	defer close(b.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-b.kick:
		case <-b.stop:
			return
		}
		b.flush()
	}
}

// flush swaps the pending lines for the empty spare buffer and writes them
// out without holding the lock Write takes.
func (b *bufferedLog) flush() error {
	b.outMu.Lock()
	defer b.outMu.Unlock()
	b.mu.Lock()
	lines := b.pending
	b.pending = b.spare[:0]
	b.mu.Unlock()
	var err error
	if len(lines) > 0 {
		_, err = b.out.Write(lines)
	}
	if cap(lines) > 4*flushAt {
		lines = make([]byte, 0, flushAt) // do not keep a flood's buffer
	}
	b.spare = lines[:0]
	return err
}

// Close stops the background writer and writes what is buffered.
func (b *bufferedLog) Close() error {
	close(b.stop)
	<-b.done
	return b.flush()
}
