package boltstore

// Changes records what a write transaction touched that a cache of
// authentication state may hold: access keys (by id), service users and
// tenants. The service reads it after the transaction (Tx.Changes) and drops
// those entries from its caches once the transaction has committed. Updates
// of a key's last use (SetKeyLastUsed) are not recorded: they never change
// whether a key authenticates.
type Changes struct {
	// Keys holds the ids of keys created, replaced or deleted.
	Keys map[string]struct{}
	// Users holds UserRef values of users created, replaced or deleted.
	Users map[string]struct{}
	// All is set when something broad changed (a tenant was deleted), so
	// every cached entry must go.
	All bool
}

// UserRef is the key of a user in Changes.Users: "<tenant>\x00<user>".
func UserRef(tenant, user string) string { return tenant + keySep + user }

// Empty reports whether nothing was recorded.
func (c *Changes) Empty() bool { return c == nil || (!c.All && len(c.Keys) == 0 && len(c.Users) == 0) }

// Changes returns what tx has touched so far; nil when nothing.
func (tx *Tx) Changes() *Changes { return tx.changes }

func (tx *Tx) changed() *Changes {
	if tx.changes == nil {
		tx.changes = &Changes{Keys: map[string]struct{}{}, Users: map[string]struct{}{}}
	}
	return tx.changes
}

func (tx *Tx) keyChanged(id string) { tx.changed().Keys[id] = struct{}{} }
func (tx *Tx) userChanged(tenant, user string) {
	tx.changed().Users[UserRef(tenant, user)] = struct{}{}
}
func (tx *Tx) everythingChanged() { tx.changed().All = true }
