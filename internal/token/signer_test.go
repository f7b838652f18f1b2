package token

import (
	"crypto/ed25519"
	"fmt"
	"sync"
	"testing"
)

// TestSignersSignEachMessage has many goroutines sign distinct messages at
// once: every signature must be the one of its own message (the jobs are
// pooled, so a mix-up would show), before and after the signers stop.
func TestSignersSignEachMessage(t *testing.T) {
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d signers", n), func(t *testing.T) {
			s := startSigners(n)
			signAll := func(stage string) {
				var wg sync.WaitGroup
				for g := range 8 {
					wg.Go(func() {
						for i := range 50 {
							msg := fmt.Appendf(nil, "%s goroutine %d message %d", stage, g, i)
							sig := s.sign(key, msg)
							if !ed25519.Verify(key.Public().(ed25519.PublicKey), msg, sig) {
								t.Errorf("%s: signature of %q does not verify", stage, msg)
							}
						}
					})
				}
				wg.Wait()
			}
			signAll("running")
			s.close()
			s.close() // idempotent
			signAll("closed")
		})
	}
}

func TestNewIssuerRejectsNegativeSigners(t *testing.T) {
	f := newFixture(t, 0)
	if _, err := NewIssuer(IssuerConfig{Keys: f.keys, Issuer: testIssuer, Signers: -1}); err == nil {
		t.Fatal("NewIssuer with Signers -1: no error")
	}
}

func TestDefaultSigners(t *testing.T) {
	if n := DefaultSigners(); n < 1 {
		t.Fatalf("DefaultSigners() = %d; want at least 1", n)
	}
}
