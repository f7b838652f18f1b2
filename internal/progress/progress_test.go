package progress

import (
	"strings"
	"testing"
	"time"
)

func TestBar(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out strings.Builder
	b := newBar(&out, "Applying", 100_000, Objects, func() time.Time { return now })
	b.Set(10)
	if !strings.HasSuffix(out.String(), "Applying [>                             ] 10/100,000") {
		t.Fatalf("first draw %q", out.String())
	}
	out.Reset()
	now = now.Add(50 * time.Millisecond)
	b.Set(20)
	if out.Len() != 0 {
		t.Fatalf("redrawn within 100 ms: %q", out.String())
	}
	now = now.Add(950 * time.Millisecond)
	b.Set(50_000)
	if got := out.String(); !strings.HasSuffix(got, "[===============>              ] 50,000/100,000  50,000/s") {
		t.Fatalf("draw %q", got)
	}
	out.Reset()
	b.Clear()
	if out.String() != "\r\x1b[2K" {
		t.Fatalf("clear %q", out.String())
	}
	var none *Bar
	none.Set(1)
	none.Done()

	out.Reset()
	bytes := newBar(&out, "Backing up", 0, Bytes, func() time.Time { return now })
	w := &Writer{W: &strings.Builder{}, Bar: bytes}
	w.Write(make([]byte, 3<<20))
	if !strings.HasSuffix(out.String(), "Backing up 3.0 MiB") {
		t.Fatalf("bytes draw %q", out.String())
	}
}
