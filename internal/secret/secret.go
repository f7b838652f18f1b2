package secret

import (
	"crypto/rand"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/domain"
)

// SecretPrefix starts every access key secret.
const SecretPrefix = "kws_"

// SecretLength is the length in bytes of a secret: the prefix, a 43-character
// random body and a 6-character checksum, all base62.
const SecretLength = len(SecretPrefix) + secretBodyLength + checksumLength

const (
	// 43 base62 characters carry 43·log2(62) ≈ 256.03 bits.
	secretBodyLength = 43
	// 62^6 ≈ 5.7e10 > 2^32, so six characters hold any CRC32.
	checksumLength = 6
)

// base62Alphabet is the digit order of keyward's base62: 0–9, A–Z, a–z.
const base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// unbiasedLimit is the largest multiple of 62 not above 256: random bytes at
// or above it are discarded so that b%62 is uniform.
const unbiasedLimit = 256 - 256%62 // 248

// NewSecret returns a fresh access key secret: SecretPrefix, 43 characters
// drawn uniformly (by rejection sampling, so without modulo bias) from the
// base62 alphabet 0–9A–Za–z using crypto/rand — at least 256 bits — and the
// CRC32-IEEE of those 43 characters written as 6 base62 digits, most
// significant first, left-padded with '0'. The checksum lets [Parse] and
// secret scanners recognise a keyward secret, or a typo in one, offline.
// The error is non-nil only if the system's random source fails.
func NewSecret() (string, error) { return newSecret(rand.Reader) }

func newSecret(random io.Reader) (string, error) {
	var buf [SecretLength]byte
	copy(buf[:], SecretPrefix)
	body := buf[len(SecretPrefix) : len(SecretPrefix)+secretBodyLength]

	// About 3% of bytes are rejected, so one read of 64 bytes almost always
	// suffices for 43 characters.
	var raw [64]byte
	filled := 0
	for filled < len(body) {
		if _, err := io.ReadFull(random, raw[:]); err != nil {
			return "", fmt.Errorf("generate access key secret: %w", err)
		}
		for _, b := range raw {
			if b >= unbiasedLimit {
				continue
			}
			body[filled] = base62Alphabet[b%62]
			filled++
			if filled == len(body) {
				break
			}
		}
	}
	clear(raw[:])
	putChecksum(buf[len(SecretPrefix)+secretBodyLength:], body)
	s := string(buf[:])
	clear(buf[:])
	return s, nil
}

// putChecksum writes the CRC32-IEEE of body into dst as checksumLength base62
// digits, most significant first, left-padded with '0'.
func putChecksum[Body string | []byte](dst []byte, body Body) {
	// Table-driven CRC32 written out over Body, because hash/crc32 takes only
	// a []byte and converting a string to one would allocate on every Parse.
	sum := ^uint32(0)
	for i := range len(body) {
		sum = crc32.IEEETable[byte(sum)^body[i]] ^ sum>>8
	}
	sum = ^sum
	for i := checksumLength - 1; i >= 0; i-- {
		dst[i] = base62Alphabet[sum%62]
		sum /= 62
	}
}

// Reasons Parse gives after "not a keyward secret: ". They are fixed strings
// on purpose: no reason may quote any part of the input.
const (
	reasonEmpty      = "empty"
	reasonWhitespace = "leading or trailing whitespace"
	reasonPrefix     = "does not start with " + SecretPrefix
	reasonTooShort   = "too short"
	reasonTooLong    = "too long"
	reasonCharacter  = "invalid character"
	reasonChecksum   = "checksum mismatch"
)

func notASecret(reason string) *domain.Error {
	return domain.Unauthenticated("not a keyward secret: %s", reason)
}

// Parse returns nil if s is shaped like a secret made by [NewSecret]:
// exactly SecretPrefix, 43 base62 characters and their matching 6-character
// checksum, with no surrounding whitespace (callers reading a secret from a
// file or stdin trim the line ending themselves). It works offline and says
// nothing about whether the secret belongs to a key.
//
// Otherwise it returns a *domain.Error of CodeUnauthenticated whose message
// is "not a keyward secret: " and a short reason, such as "checksum mismatch"
// for a typo, with a hint when s is an access key id. The error never
// contains s or any part of it, so it is safe to log and to return to a
// client.
func Parse(s string) error {
	switch {
	case s == "":
		return notASecret(reasonEmpty)
	case strings.TrimSpace(s) != s:
		return notASecret(reasonWhitespace)
	case !strings.HasPrefix(s, SecretPrefix):
		err := notASecret(reasonPrefix)
		if strings.HasPrefix(s, KeyIDPrefix) {
			return err.WithHint("this is an access key id, not its secret")
		}
		return err
	case len(s) < SecretLength:
		return notASecret(reasonTooShort)
	case len(s) > SecretLength:
		return notASecret(reasonTooLong)
	}
	for i := len(SecretPrefix); i < len(s); i++ {
		if !isBase62(s[i]) {
			return notASecret(reasonCharacter)
		}
	}
	var want [checksumLength]byte
	putChecksum(want[:], s[len(SecretPrefix):len(SecretPrefix)+secretBodyLength])
	if string(want[:]) != s[len(SecretPrefix)+secretBodyLength:] {
		return notASecret(reasonChecksum)
	}
	return nil
}

func isBase62(c byte) bool {
	return ('0' <= c && c <= '9') || ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z')
}

// hintMask replaces all but the last hintVisible characters of a secret.
const (
	hintMask    = "•••••"
	hintVisible = 5
)

// Hint returns the masked form of a secret that list and show print in its
// place: "•••••" followed by its last 5 characters. For a secret from
// [NewSecret] those 5 characters lie inside the checksum, so the hint reveals
// nothing of the random body beyond what the checksum already does. A string
// shorter than 10 characters is not a secret, and showing its last 5 would
// show most of it: its hint is the mask alone.
func Hint(secret string) string {
	if utf8.RuneCountInString(secret) < 2*hintVisible {
		return hintMask
	}
	end := len(secret)
	for range hintVisible {
		_, size := utf8.DecodeLastRuneInString(secret[:end])
		end -= size
	}
	return hintMask + secret[end:]
}
