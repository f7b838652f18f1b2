package token

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// Decoded is a token's header and claims read WITHOUT verifying anything,
// for `keyward token inspect`. Nothing in it may be trusted.
type Decoded struct {
	// Header is the JOSE header; numbers are json.Number.
	Header map[string]any `json:"header"`
	// Claims is the claims set, every member kept; numbers are json.Number.
	Claims map[string]any `json:"claims"`
	// ExpiresAt is the exp claim, nil when it is absent or not a number.
	ExpiresAt *time.Time `json:"expiresAt"`
	// IssuedAt is the iat claim, nil when it is absent or not a number.
	IssuedAt *time.Time `json:"issuedAt"`
}

// Decode splits and decodes a compact JWS without checking its signature or
// any claim. It returns a CodeInvalid *domain.Error for the field "token" when
// raw is not three base64url segments whose first two are JSON objects; the
// message never contains the token.
func Decode(raw string) (Decoded, error) {
	raw = strings.TrimSpace(raw)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return Decoded{}, domain.Invalid("token", "not a JWT: want 3 dot-separated parts, got %d", len(parts))
	}
	var d Decoded
	if err := decodeSegment(parts[0], &d.Header); err != nil {
		return Decoded{}, domain.Invalid("token", "not a JWT: header %s", err)
	}
	if err := decodeSegment(parts[1], &d.Claims); err != nil {
		return Decoded{}, domain.Invalid("token", "not a JWT: claims %s", err)
	}
	d.ExpiresAt = numericDate(d.Claims["exp"])
	d.IssuedAt = numericDate(d.Claims["iat"])
	return d, nil
}

func decodeSegment(segment string, into *map[string]any) error {
	data, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil {
		return fmt.Errorf("are not base64url")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil || *into == nil || dec.More() {
		return fmt.Errorf("are not a JSON object")
	}
	return nil
}

// numericDate converts a JSON NumericDate (seconds, possibly fractional).
func numericDate(v any) *time.Time {
	n, ok := v.(json.Number)
	if !ok {
		return nil
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e11 {
		return nil
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return &t
}

// ExpiresIn describes, for a human, the time left at now: "expires in 59m12s",
// "expired 3m4s ago", or "has no expiry".
func (d Decoded) ExpiresIn(now time.Time) string {
	if d.ExpiresAt == nil {
		return "has no expiry"
	}
	left := d.ExpiresAt.Sub(now)
	if left > 0 {
		return "expires in " + humanDuration(left)
	}
	return "expired " + humanDuration(-left) + " ago"
}

// humanDuration prints d to the second with at most two units: 45s, 3m4s,
// 2h5m, 1d3h.
func humanDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s >= 86400:
		return fmt.Sprintf("%dd%dh", s/86400, s%86400/3600)
	case s >= 3600:
		return fmt.Sprintf("%dh%dm", s/3600, s%3600/60)
	case s >= 60:
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	default:
		return fmt.Sprintf("%ds", s)
	}
}
