package secret

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"hash"
	"io"
	"sync"
)

// PepperSize is the length in bytes of a database's hashing pepper.
const PepperSize = 32

// HashSize is the length in bytes of a stored secret hash.
const HashSize = sha256.Size

// NewPepper returns PepperSize bytes from crypto/rand: the per-database key
// under which secrets are hashed. It is made once, with the database, and
// must be kept as secret as the database itself. The error is non-nil only
// if the system's random source fails.
func NewPepper() ([]byte, error) { return newPepper(rand.Reader) }

func newPepper(random io.Reader) ([]byte, error) {
	pepper := make([]byte, PepperSize)
	if _, err := io.ReadFull(random, pepper); err != nil {
		return nil, fmt.Errorf("generate hashing pepper: %w", err)
	}
	return pepper, nil
}

// Hasher computes the stored form of secrets: HMAC-SHA256 keyed with one
// database's pepper. Make one with [NewHasher]; the zero value is unusable.
// A Hasher is safe for concurrent use, and allocates nothing per call.
type Hasher struct {
	// macs holds *macState values. hmac.New precomputes the keyed inner and
	// outer SHA-256 states and Reset restores them, so reusing a state skips
	// the per-call key schedule and the allocations of hmac.New.
	macs sync.Pool
}

type macState struct {
	mac hash.Hash
	// input and sum are scratch space, so that neither the secret nor the
	// digest escapes to a fresh heap allocation on every call.
	input []byte
	sum   [HashSize]byte
}

// maxPooledInput bounds the scratch input kept in the pool: a caller hashing
// a huge string once should not pin that much memory.
const maxPooledInput = 256

// NewHasher returns a Hasher keyed with pepper, which must be PepperSize
// bytes (a wrong size means a damaged database, so the error is an internal
// one). The Hasher keeps its own copy of pepper.
func NewHasher(pepper []byte) (*Hasher, error) {
	if len(pepper) != PepperSize {
		return nil, fmt.Errorf("hashing pepper is %d bytes, want %d", len(pepper), PepperSize)
	}
	key := append([]byte(nil), pepper...)
	h := &Hasher{}
	h.macs.New = func() any {
		return &macState{mac: hmac.New(sha256.New, key), input: make([]byte, 0, SecretLength)}
	}
	return h, nil
}

// Hash returns HMAC-SHA256(pepper, secret): the only form in which keyward
// stores a secret, and the key of the index from secret to access key. It
// hashes whatever it is given; check the format first with [Parse].
func (h *Hasher) Hash(secret string) [HashSize]byte {
	st := h.macs.Get().(*macState)
	st.input = append(st.input[:0], secret...)
	st.mac.Write(st.input)
	out := [HashSize]byte(st.mac.Sum(st.sum[:0]))

	// Pooled states are kept reset (hmac.New returns one so), which also
	// overwrites the secret's bytes buffered inside the inner SHA-256. Wiping
	// is best effort: the caller's string is beyond reach.
	st.mac.Reset()
	clear(st.input)
	clear(st.sum[:])
	if cap(st.input) > maxPooledInput {
		st.input = make([]byte, 0, SecretLength)
	}
	h.macs.Put(st)
	return out
}

// Verify reports whether secret hashes to want, comparing in constant time.
func (h *Hasher) Verify(secret string, want [HashSize]byte) bool {
	return Equal(h.Hash(secret), want)
}

// Equal reports whether two secret hashes are equal, in time independent of
// their contents, so that a comparison leaks nothing about a stored hash.
// Never compare secret hashes with ==.
func Equal(a, b [HashSize]byte) bool {
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
