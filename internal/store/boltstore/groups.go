package boltstore

import "github.com/keyward/keyward/internal/domain"

// Group returns group name of tenant and whether it exists. Members is empty:
// membership is stored on the users (domain.ServiceUser.Groups).
func (tx *Tx) Group(tenant, name string) (domain.Group, bool, error) {
	b, err := tx.tenantBucket(tenant, bucketGroups, false)
	if err != nil {
		return domain.Group{}, false, err
	}
	var g domain.Group
	ok, err := getJSON(b, []byte(name), &g)
	return g, ok, err
}

// PutGroup creates or replaces a group record (without members).
func (tx *Tx) PutGroup(g domain.Group) error {
	b, err := tx.tenantBucket(g.Tenant, bucketGroups, true)
	if err != nil {
		return err
	}
	g.Members = nil
	return putJSON(b, []byte(g.Name), g)
}

// DeleteGroup removes a group record (not the memberships stored on users).
func (tx *Tx) DeleteGroup(tenant, name string) error {
	b, err := tx.tenantBucket(tenant, bucketGroups, false)
	if err != nil || b == nil {
		return err
	}
	return b.Delete([]byte(name))
}

// ForEachGroup calls fn for every group of tenant in name order.
func (tx *Tx) ForEachGroup(tenant string, fn func(domain.Group) error) error {
	b, err := tx.tenantBucket(tenant, bucketGroups, false)
	if err != nil {
		return err
	}
	return forEachJSON(b, fn)
}
