package secret

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"
)

func BenchmarkNewKeyID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewKeyID(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewSecret(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewSecret(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.Run("valid", func(b *testing.B) {
		s := knownSecrets[2].secret
		b.ReportAllocs()
		for b.Loop() {
			if err := Parse(s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("checksum mismatch", func(b *testing.B) {
		s := knownSecrets[2].secret[:52] + "1"
		b.ReportAllocs()
		for b.Loop() {
			if err := Parse(s); err == nil {
				b.Fatal("accepted")
			}
		}
	})
}

func BenchmarkHash(b *testing.B) {
	h := mustHasher(b, testPepper())
	s := knownSecrets[2].secret
	b.ReportAllocs()
	for b.Loop() {
		h.Hash(s)
	}
}

func BenchmarkHashParallel(b *testing.B) {
	h := mustHasher(b, testPepper())
	s := knownSecrets[2].secret
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Hash(s)
		}
	})
}

// BenchmarkHashUnpooled is the baseline Hasher improves on: a new
// hmac.New per secret.
func BenchmarkHashUnpooled(b *testing.B) {
	pepper := testPepper()
	s := knownSecrets[2].secret
	b.ReportAllocs()
	for b.Loop() {
		mac := hmac.New(sha256.New, pepper)
		mac.Write([]byte(s))
		mac.Sum(nil)
	}
}
