package token

import (
	"sync"
	"testing"
	"time"
)

func TestVerifiedCacheRemembersVerifiedTokensOnly(t *testing.T) {
	f := newFixture(t, 0)
	raw, issued := f.issue(t, testRequest())
	for range 3 {
		got, err := f.verifier.Verify(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got != issued {
			t.Errorf("claims = %+v; want %+v", got, issued)
		}
	}
	if n := f.verifier.cache.len(); n != 1 {
		t.Errorf("cache holds %d tokens; want 1", n)
	}
	for range 10 {
		_, _ = f.verifier.Verify(raw[:len(raw)-2] + "AA")
	}
	if n := f.verifier.cache.len(); n != 1 {
		t.Errorf("cache holds %d tokens after forged ones; want 1", n)
	}
}

func TestVerifiedCacheDropsExpiredEntries(t *testing.T) {
	f := newFixture(t, 0)
	req := testRequest()
	req.TTL = time.Minute
	raw, _ := f.issue(t, req)
	if _, err := f.verifier.Verify(raw); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	_, err := f.verifier.Verify(raw)
	assertUnauthenticated(t, err, "expired", raw)
	if n := f.verifier.cache.len(); n != 0 {
		t.Errorf("cache holds %d tokens after expiry; want 0", n)
	}
}

func TestVerifiedCacheIsBounded(t *testing.T) {
	const size = 64
	f := newFixture(t, size)
	limit := size + cacheShards // per-shard rounding
	for i := range 2000 {
		req := testRequest()
		req.TTL = time.Duration(1+i%5) * time.Minute
		raw, _ := f.issue(t, req)
		if _, err := f.verifier.Verify(raw); err != nil {
			t.Fatal(err)
		}
		if i%200 == 0 {
			f.clock.Advance(2 * time.Minute)
		}
		if n := f.verifier.cache.len(); n > limit {
			t.Fatalf("cache holds %d tokens; bound %d", n, limit)
		}
	}
}

func TestVerifiedCacheConcurrent(t *testing.T) {
	f := newFixture(t, 128)
	tokens := make([]string, 300)
	for i := range tokens {
		tokens[i], _ = f.issue(t, testRequest())
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				raw := tokens[(i*7+w)%len(tokens)]
				if _, err := f.verifier.Verify(raw); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			f.clock.Advance(time.Second)
		}
	})
	wg.Wait()
}
