package token

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

func TestDecode(t *testing.T) {
	f := newFixture(t, 0)
	raw, issued := f.issue(t, testRequest())
	d, err := Decode("  " + raw + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if d.Header["kid"] != f.key.KID || d.Claims["sub"] != "ci-bot" || d.Claims["exp"] != json.Number("1772370000") {
		t.Errorf("decoded %+v", d)
	}
	if d.ExpiresAt == nil || !d.ExpiresAt.Equal(issued.ExpiresAt) || d.IssuedAt == nil || !d.IssuedAt.Equal(issued.IssuedAt) {
		t.Errorf("times %v %v; want %v %v", d.ExpiresAt, d.IssuedAt, issued.ExpiresAt, issued.IssuedAt)
	}
	for _, tt := range []struct {
		at   time.Duration
		want string
	}{
		{0, "expires in 1h0m"},
		{20*time.Minute + 48*time.Second, "expires in 39m12s"},
		{time.Hour - 5*time.Second, "expires in 5s"},
		{time.Hour, "expired 0s ago"},
		{time.Hour + 3*time.Minute + 4*time.Second, "expired 3m4s ago"},
		{50 * time.Hour, "expired 2d1h ago"},
	} {
		if got := d.ExpiresIn(testEpoch.Add(tt.at)); got != tt.want {
			t.Errorf("ExpiresIn(+%s) = %q; want %q", tt.at, got, tt.want)
		}
	}

	// Decode reads what Verify would refuse.
	h := map[string]any{"alg": "none"}
	c := map[string]any{"sub": "x", "exp": 1.5}
	d, err = Decode(segment(t, h) + "." + segment(t, c) + ".")
	if err != nil {
		t.Fatal(err)
	}
	if d.ExpiresAt == nil || !d.ExpiresAt.Equal(time.Unix(1, 5e8)) || d.IssuedAt != nil {
		t.Errorf("fractional exp decoded as %v", d.ExpiresAt)
	}
	if got := (Decoded{}).ExpiresIn(testEpoch); got != "has no expiry" {
		t.Errorf("no exp: %q", got)
	}
}

func TestDecodeRefusesNonJWT(t *testing.T) {
	good := segment(t, map[string]any{"a": 1})
	for name, raw := range map[string]string{
		"empty":           "",
		"one part":        "abc",
		"kws secret":      "kws_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG000000",
		"header base64":   "!!." + good + ".",
		"claims not JSON": good + "." + b64([]byte("x")) + ".",
		"claims array":    good + "." + b64([]byte("[]")) + ".",
		"claims null":     good + "." + b64([]byte("null")) + ".",
		"trailing data":   good + "." + b64([]byte(`{"a":1} {}`)) + ".",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(raw)
			if domain.CodeOf(err) != domain.CodeInvalid {
				t.Fatalf("Decode = %v; want invalid", err)
			}
			if len(raw) > 4 && strings.Contains(err.Error(), raw) {
				t.Errorf("error %q contains the input", err)
			}
		})
	}
}
