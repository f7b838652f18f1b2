// Package progress draws a one-line progress bar for long work (bulk
// apply, backup) on a terminal. Commands create one only when stderr is a
// terminal; a nil *Bar does nothing, so callers need not check.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Unit says how to print amounts.
type Unit int

// Units.
const (
	Objects Unit = iota
	Bytes
)

// Bar is a progress line redrawn in place at most every 100 ms.
type Bar struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	unit    Unit
	total   int64
	current int64
	start   time.Time
	last    time.Time
	now     func() time.Time
	drawn   bool
}

// New returns a bar writing to w (a terminal) with a label ("Applying") and
// a total (0 if unknown).
func New(w io.Writer, label string, total int64, unit Unit) *Bar {
	return newBar(w, label, total, unit, time.Now)
}

func newBar(w io.Writer, label string, total int64, unit Unit, now func() time.Time) *Bar {
	return &Bar{w: w, label: label, total: total, unit: unit, start: now(), now: now}
}

// Set records progress and redraws when the last draw is 100 ms old.
func (b *Bar) Set(current int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.current = current
	if now := b.now(); !b.drawn || now.Sub(b.last) >= 100*time.Millisecond {
		b.draw(now)
	}
}

// Clear erases the bar so that other output can be printed; the next Set
// draws it again.
func (b *Bar) Clear() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[2K")
		b.drawn = false
	}
}

// Done erases the bar for good.
func (b *Bar) Done() { b.Clear() }

func (b *Bar) draw(now time.Time) {
	b.last, b.drawn = now, true
	var line strings.Builder
	line.WriteString("\r\x1b[2K" + b.label + " ")
	if b.total > 0 {
		const width = 30
		filled := int(min(b.current, b.total) * width / b.total)
		line.WriteString("[" + strings.Repeat("=", filled))
		if filled < width {
			line.WriteString(">" + strings.Repeat(" ", width-filled-1))
		}
		line.WriteString("] " + b.amount(b.current) + "/" + b.amount(b.total))
	} else {
		line.WriteString(b.amount(b.current))
	}
	if secs := now.Sub(b.start).Seconds(); secs >= 0.5 {
		line.WriteString("  " + b.amount(int64(float64(b.current)/secs)) + "/s")
	}
	fmt.Fprint(b.w, line.String())
}

func (b *Bar) amount(n int64) string {
	if b.unit == Bytes {
		switch {
		case n >= 1<<30:
			return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d B", n)
	}
	return groupDigits(n)
}

// groupDigits writes 100000 as 100,000.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Writer counts bytes written through it into a bar.
type Writer struct {
	W   io.Writer
	Bar *Bar
	n   int64
}

func (w *Writer) Write(p []byte) (int, error) {
	n, err := w.W.Write(p)
	w.n += int64(n)
	w.Bar.Set(w.n)
	return n, err
}
