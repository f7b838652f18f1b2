package secret

import (
	"crypto/rand"
	"fmt"
	"io"
)

// KeyIDPrefix starts every access key id.
const KeyIDPrefix = "kwk_"

// KeyIDLength is the length in bytes of an access key id: the prefix and
// 20 base32 characters (100 random bits).
const KeyIDLength = len(KeyIDPrefix) + keyIDBodyLength

const keyIDBodyLength = 20

// base32Alphabet is RFC 4648 base32 in lower case: a–z then 2–7.
const base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567"

// NewKeyID returns a fresh access key id: KeyIDPrefix followed by 20
// characters drawn uniformly from a–z and 2–7 using crypto/rand. Key ids are
// public identifiers (a token request carries one), not secrets; their 100
// random bits make collisions negligible, but the store still enforces
// uniqueness. The error is non-nil only if the system's random source fails.
func NewKeyID() (string, error) { return newKeyID(rand.Reader) }

func newKeyID(random io.Reader) (string, error) {
	var raw [keyIDBodyLength]byte
	if _, err := io.ReadFull(random, raw[:]); err != nil {
		return "", fmt.Errorf("generate access key id: %w", err)
	}
	id := make([]byte, 0, KeyIDLength)
	id = append(id, KeyIDPrefix...)
	for _, b := range raw {
		// 256 is a multiple of 32, so the low five bits are uniform.
		id = append(id, base32Alphabet[b&31])
	}
	return string(id), nil
}

// ValidKeyID reports whether s has the exact shape of an access key id:
// KeyIDPrefix followed by 20 characters from a–z and 2–7. It says nothing
// about whether such a key exists.
func ValidKeyID(s string) bool {
	if len(s) != KeyIDLength || s[:len(KeyIDPrefix)] != KeyIDPrefix {
		return false
	}
	for i := len(KeyIDPrefix); i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}
