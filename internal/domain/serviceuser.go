package domain

import "time"

// UserStatus is a service user's state.
type UserStatus string

// Service user states. A disabled user's keys and tokens stop working at once.
const (
	UserActive   UserStatus = "active"
	UserDisabled UserStatus = "disabled"
)

// ServiceUser is a machine identity with no password. AccessKeys and
// AllowedKeyTypes are derived when read and never stored with the user.
type ServiceUser struct {
	ID              string      `json:"id"`
	Tenant          string      `json:"tenant"`
	DisplayName     string      `json:"displayName"`
	Email           *string     `json:"email"`
	Description     string      `json:"description"`
	Status          UserStatus  `json:"status"`
	CIDRAllowList   []string    `json:"cidrAllowList"`
	Policies        []string    `json:"policies"`
	Groups          []string    `json:"groups"`
	Owners          []string    `json:"owners"`
	AccessKeys      []AccessKey `json:"accessKeys"`
	AllowedKeyTypes []string    `json:"allowedKeyTypes"`
	CreatedAt       time.Time   `json:"createdAt"`
	CreatedBy       string      `json:"createdBy"`
	UpdatedAt       time.Time   `json:"updatedAt"`
}

// Normalize makes every list non-nil so JSON prints [] rather than null.
func (u *ServiceUser) Normalize() {
	for _, l := range []*[]string{&u.CIDRAllowList, &u.Policies, &u.Groups, &u.Owners, &u.AllowedKeyTypes} {
		if *l == nil {
			*l = []string{}
		}
	}
	if u.AccessKeys == nil {
		u.AccessKeys = []AccessKey{}
	}
	for i := range u.AccessKeys {
		u.AccessKeys[i].Normalize()
	}
}
