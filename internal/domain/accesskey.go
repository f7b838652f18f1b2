package domain

import "time"

// KeyStatus is an access key's state as shown; expired is derived from
// ExpiresAt and never stored.
type KeyStatus string

// Access key states.
const (
	KeyActive   KeyStatus = "active"
	KeyInactive KeyStatus = "inactive"
	KeyExpired  KeyStatus = "expired"
)

// AccessKey is the masked, printable form of a key: everything but the
// secret, which is shown once when generated and stored only as a hash.
type AccessKey struct {
	ID            string     `json:"id"`
	Tenant        string     `json:"tenant"`
	ServiceUser   string     `json:"serviceUser"`
	Name          string     `json:"name"`
	Description   string     `json:"description"`
	Type          *string    `json:"type"`
	Status        KeyStatus  `json:"status"`
	Hint          string     `json:"hint"`
	ExpiresAt     *time.Time `json:"expiresAt"`
	CIDRAllowList []string   `json:"cidrAllowList"`
	LastUsedAt    *time.Time `json:"lastUsedAt"`
	LastUsedIP    *string    `json:"lastUsedIp"`
	CreatedAt     time.Time  `json:"createdAt"`
	CreatedBy     string     `json:"createdBy"`
	RotatedFrom   *string    `json:"rotatedFrom"`
	RotatedTo     *string    `json:"rotatedTo"`
	RevokeAt      *time.Time `json:"revokeAt"`
}

// Normalize makes every list non-nil so JSON prints [] rather than null.
func (k *AccessKey) Normalize() {
	if k.CIDRAllowList == nil {
		k.CIDRAllowList = []string{}
	}
}

// NewAccessKey is a key just generated or rotated: the only value that ever
// carries the secret, printed once.
type NewAccessKey struct {
	AccessKey
	Secret string `json:"secret"`
}
