package credentials

import (
	"time"

	"github.com/keyward/keyward/internal/token"
	"golang.org/x/oauth2"
)

// RefreshMargin is how long before its expiry a cached token is replaced:
// a minute, or a quarter of the token's lifetime when that is shorter, so a
// command never starts a request with a token about to lapse and a
// 60-second token is still reused for 45 seconds.
const RefreshMargin = time.Minute

// refreshAt returns the instant from which the token d should be replaced.
func refreshAt(d token.Decoded) time.Time {
	margin := RefreshMargin
	if d.IssuedAt != nil {
		if quarter := d.ExpiresAt.Sub(*d.IssuedAt) / 4; quarter < margin {
			margin = max(quarter, 0)
		}
	}
	return d.ExpiresAt.Add(-margin)
}

// reusable reports whether the cached token raw may still be sent at now on
// behalf of keyID: it is a JWT with an exp claim, it was issued to keyID
// (a profile whose access key changed must not keep the old key's token),
// and it is not within the refresh margin of its expiry.
func reusable(raw, keyID string, now time.Time) bool {
	d, err := token.Decode(raw)
	if err != nil || d.ExpiresAt == nil {
		return false
	}
	if clientID, _ := d.Claims["client_id"].(string); keyID != "" && clientID != keyID {
		return false
	}
	return now.Before(refreshAt(d))
}

// bearer wraps a raw token for oauth2, with its expiry when the token says.
func bearer(raw string) *oauth2.Token {
	t := &oauth2.Token{AccessToken: raw, TokenType: "Bearer"}
	if d, err := token.Decode(raw); err == nil && d.ExpiresAt != nil {
		t.Expiry = *d.ExpiresAt
	}
	return t
}
