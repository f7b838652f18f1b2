package domain

import "time"

// KeyType is a named scope in a tenant's catalog (MONITORING, PROVISIONING,
// ...): a key of the type may do only what both its user's policies and the
// type's Scope policy allow. A user may hold keys of the types whose scope
// its own permissions cover (ServiceUser.AllowedKeyTypes).
type KeyType struct {
	Name        string `json:"name"`
	Tenant      string `json:"tenant"`
	DisplayName string `json:"displayName"`
	Description string `json:"description"`
	// Scope names the scope policy, custom or managed, of the same tenant.
	Scope     string    `json:"scope"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy"`
	UpdatedAt time.Time `json:"updatedAt"`
}
