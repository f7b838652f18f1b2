package serve

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Every line written reaches the output whole, each writer's lines in
// order, by Close at the latest — including past the backpressure bound.
func TestBufferedLogKeepsEveryLine(t *testing.T) {
	var out lockedBuffer
	b := newBufferedLog(&out)
	const writers, lines = 4, 20000 // ~2 MB per writer: crosses flushAt and maxBuffered
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(b, "writer %d line %06d %s\n", w, i, strings.Repeat("x", 80))
			}
		})
	}
	wg.Wait()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines, want %d", len(got), writers*lines)
	}
	for _, l := range got {
		var w, i int
		if _, err := fmt.Sscanf(l, "writer %d line %d", &w, &i); err != nil || i != next[w] {
			t.Fatalf("line %q out of order or torn (want writer %d line %d)", l, w, next[w])
		}
		next[w]++
	}
}
