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

// Limits of access key fields.
const (
	// MaxKeyNameLen bounds a key's name.
	MaxKeyNameLen = 64
	// MaxKeyDescriptionLen bounds a key's description.
	MaxKeyDescriptionLen = 1024
)

// CheckKeyName validates an access key name: it is used in `USER/NAME`
// references, so it is short and has no '/' or spaces — letters, digits,
// '-', '_' and '.', starting with a letter or digit.
func CheckKeyName(field, name string) error {
	if name == "" {
		return Invalid(field, "must not be empty")
	}
	if len(name) > MaxKeyNameLen {
		return Invalid(field, "%q is %d characters; the maximum is %d", name, len(name), MaxKeyNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || (c != '-' && c != '_' && c != '.')) {
			return Invalid(field, "%q may contain only letters, digits, '-', '_' and '.', and must start with a letter or digit", name)
		}
	}
	return nil
}
