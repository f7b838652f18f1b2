package server

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

// The in-memory set answers has() until the token's expiry and forgets it
// from then on.
func TestRevokedTokensPrune(t *testing.T) {
	var rt revokedTokens
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	rt.add("a", t0.Add(time.Minute))
	rt.add("b", t0.Add(time.Hour))
	rt.add("a", t0.Add(time.Minute)) // again: counted once
	if !rt.has("a") || !rt.has("b") || rt.has("c") || rt.count.Load() != 2 {
		t.Fatalf("after add: a=%v b=%v count=%d", rt.has("a"), rt.has("b"), rt.count.Load())
	}
	rt.prune(t0.Add(time.Minute - time.Second))
	if !rt.has("a") {
		t.Fatal("pruned before its expiry")
	}
	rt.prune(t0.Add(time.Minute))
	if rt.has("a") || !rt.has("b") || rt.count.Load() != 1 {
		t.Fatalf("after the first expiry: a=%v b=%v count=%d", rt.has("a"), rt.has("b"), rt.count.Load())
	}
	rt.prune(t0.Add(time.Hour))
	if rt.has("b") || rt.count.Load() != 0 {
		t.Fatalf("after the last expiry: count=%d", rt.count.Load())
	}
}

// Prunes running at once (the flush loop and Flush) delete each id once:
// the count stays right and a later revocation is still seen.
func TestRevokedTokensConcurrentPrune(t *testing.T) {
	var rt revokedTokens
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for i := range 100 {
		rt.add(strconv.Itoa(i), t0)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { rt.prune(t0) })
	}
	wg.Wait()
	if n := rt.count.Load(); n != 0 {
		t.Fatalf("count after the prunes = %d", n)
	}
	rt.add("later", t0.Add(time.Hour))
	if !rt.has("later") {
		t.Fatal("a revocation after concurrent prunes is not seen")
	}
}
