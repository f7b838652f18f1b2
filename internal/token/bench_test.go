package token

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func BenchmarkIssue(b *testing.B) {
	f := newFixture(b, 0)
	req := testRequest()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := f.issuer.Issue(req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueParallel(b *testing.B) {
	f := newFixture(b, 0)
	req := testRequest()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := f.issuer.Issue(req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkIssueGolangJWTReference signs the same claims through golang-jwt's
// generic path (map header, reflection-encoded claims), for comparison only.
func BenchmarkIssueGolangJWTReference(b *testing.B) {
	f := newFixture(b, 0)
	b.ReportAllocs()
	for b.Loop() {
		now := f.clock.Now()
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, wireClaims{
			RegisteredClaims: jwt.RegisteredClaims{
				Issuer: testIssuer, Subject: "ci-bot", Audience: jwt.ClaimStrings{testIssuer},
				ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)), IssuedAt: jwt.NewNumericDate(now), ID: "0123456789abcdefghijkl",
			},
			ClientID: "kwk_abcdefghijklmnopqrst", Tenant: "default",
		})
		tok.Header["kid"] = f.key.KID
		tok.Header["typ"] = "at+jwt"
		if _, err := tok.SignedString(f.key.Private); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCold(b *testing.B) {
	f := newFixture(b, -1)
	raw, _ := f.issue(b, testRequest())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.verifier.Verify(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCached(b *testing.B) {
	f := newFixture(b, 0)
	raw, _ := f.issue(b, testRequest())
	if _, err := f.verifier.Verify(raw); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.verifier.Verify(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCachedParallel(b *testing.B) {
	f := newFixture(b, 0)
	tokens := make([]string, 1024)
	for i := range tokens {
		tokens[i], _ = f.issue(b, testRequest())
		if _, err := f.verifier.Verify(tokens[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := f.verifier.Verify(tokens[i%len(tokens)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

func BenchmarkJWKS(b *testing.B) {
	f := newFixture(b, 0)
	b.ReportAllocs()
	for b.Loop() {
		_ = f.keys.JWKS()
	}
}
