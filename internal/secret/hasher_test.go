package secret

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
)

func testPepper() []byte { return seq(1, PepperSize) }

func mustHasher(t testing.TB, pepper []byte) *Hasher {
	t.Helper()
	h, err := NewHasher(pepper)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// referenceHash is HMAC-SHA256 done the obvious way, with no reuse.
func referenceHash(pepper []byte, secret string) [HashSize]byte {
	mac := hmac.New(sha256.New, pepper)
	mac.Write([]byte(secret))
	return [HashSize]byte(mac.Sum(nil))
}

func TestNewPepper(t *testing.T) {
	a, err := NewPepper()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewPepper()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != PepperSize || len(b) != PepperSize {
		t.Fatalf("NewPepper() lengths %d, %d; want %d", len(a), len(b), PepperSize)
	}
	if bytes.Equal(a, b) {
		t.Fatal("NewPepper() repeated itself")
	}
	if _, err := newPepper(bytes.NewReader(make([]byte, PepperSize-1))); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("newPepper(short reader) error = %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestNewHasherPepperSize(t *testing.T) {
	for _, n := range []int{0, 16, PepperSize - 1, PepperSize + 1, 64} {
		if h, err := NewHasher(make([]byte, n)); err == nil || h != nil {
			t.Errorf("NewHasher(%d bytes) = %v, %v; want an error", n, h, err)
		}
	}
}

func TestHashKnownAnswer(t *testing.T) {
	// RFC 4231 test case 2 uses a 4-byte key; keyward's pepper is 32 bytes, so
	// this vector is HMAC-SHA256 computed independently (Python's hmac module)
	// with key 0x01..0x20 and message "what do ya want for nothing?".
	const want = "4d9d653fcd05f91cd858a20d50c74b604fe38f2cac49d9b0a7099584cf4fb35a"
	got := mustHasher(t, testPepper()).Hash("what do ya want for nothing?")
	if hex.EncodeToString(got[:]) != want {
		t.Fatalf("Hash = %x, want %s", got, want)
	}
}

func TestHashMatchesHMAC(t *testing.T) {
	pepper := testPepper()
	h := mustHasher(t, pepper)
	inputs := []string{
		"",
		knownSecrets[0].secret,
		knownSecrets[2].secret,
		strings.Repeat("x", maxPooledInput+1), // dropped from the pool afterwards
		"short after long",
		strings.Repeat("y", 64), // exactly one SHA-256 block
	}
	for range 3 { // repeat so pooled states are reused
		for _, in := range inputs {
			if got, want := h.Hash(in), referenceHash(pepper, in); got != want {
				t.Fatalf("Hash(%d bytes) = %x, want %x", len(in), got, want)
			}
		}
	}
}

func TestHashDependsOnPepper(t *testing.T) {
	p1 := testPepper()
	p2 := testPepper()
	p2[31] ^= 1
	s := knownSecrets[2].secret
	if mustHasher(t, p1).Hash(s) == mustHasher(t, p2).Hash(s) {
		t.Fatal("peppers differing in one bit gave the same hash")
	}
}

func TestHasherCopiesPepper(t *testing.T) {
	pepper := testPepper()
	h := mustHasher(t, pepper)
	want := referenceHash(testPepper(), "s")
	pepper[0] ^= 0xff
	if got := h.Hash("s"); got != want {
		t.Fatal("changing the caller's pepper slice changed the Hasher")
	}
}

func TestHasherConcurrent(t *testing.T) {
	pepper := testPepper()
	h := mustHasher(t, pepper)
	secrets := make([]string, 16)
	for i := range secrets {
		secrets[i] = secretFromSeed(strings.Repeat(string(rune('a'+i)), 43))
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(secrets))
	for _, s := range secrets {
		wg.Go(func() {
			want := referenceHash(pepper, s)
			for range 500 {
				if h.Hash(s) != want {
					errs <- s
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("concurrent Hash(%q) gave a wrong result", s)
	}
}

func TestHashAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under -race")
	}
	h := mustHasher(t, testPepper())
	s := knownSecrets[2].secret
	if n := testing.AllocsPerRun(100, func() { h.Hash(s) }); n != 0 {
		t.Fatalf("Hash allocates %v times per call, want 0", n)
	}
}

func TestVerifyAndEqual(t *testing.T) {
	h := mustHasher(t, testPepper())
	s := knownSecrets[2].secret
	stored := h.Hash(s)
	other := stored
	other[HashSize-1] ^= 1
	tests := []struct {
		name   string
		secret string
		stored [HashSize]byte
		want   bool
	}{
		{"same secret", s, stored, true},
		{"typo", s[:len(s)-1] + "1", stored, false},
		{"last bit of hash", s, other, false},
		{"zero hash", s, [HashSize]byte{}, false},
	}
	for _, tt := range tests {
		if got := h.Verify(tt.secret, tt.stored); got != tt.want {
			t.Errorf("%s: Verify = %v, want %v", tt.name, got, tt.want)
		}
		if got := Equal(h.Hash(tt.secret), tt.stored); got != tt.want {
			t.Errorf("%s: Equal = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestHashWipesPooledInput(t *testing.T) {
	h := mustHasher(t, testPepper())
	h.Hash(knownSecrets[2].secret)
	// Usually the state just put back; if the pool hands out a fresh one
	// instead (another P, a GC, -race), the check passes vacuously.
	st := h.macs.Get().(*macState)
	defer h.macs.Put(st)
	for _, b := range st.input[:cap(st.input)] {
		if b != 0 {
			t.Fatalf("pooled scratch still holds the secret: %q", st.input[:cap(st.input)])
		}
	}
	if st.sum != [HashSize]byte{} {
		t.Fatal("pooled scratch still holds the hash")
	}
}
