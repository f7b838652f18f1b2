package boltstore

import (
	"github.com/keyward/keyward/internal/domain"
)

// User returns the service user and whether it exists. AccessKeys and
// AllowedKeyTypes are empty: they are not stored with the user.
func (tx *Tx) User(tenant, id string) (domain.ServiceUser, bool, error) {
	b, err := tx.tenantBucket(tenant, bucketUsers, false)
	if err != nil {
		return domain.ServiceUser{}, false, err
	}
	var u domain.ServiceUser
	ok, err := getJSON(b, []byte(id), &u)
	return u, ok, err
}

// PutUser creates or replaces a user record. It does not touch the e-mail
// index: callers keep it in step with PutEmail and DeleteEmail.
func (tx *Tx) PutUser(u domain.ServiceUser) error {
	e, err := EncodeUser(u)
	if err != nil {
		return err
	}
	return tx.PutEncodedUser(e)
}

// DeleteUser removes a user record (not its keys or e-mail index entry).
func (tx *Tx) DeleteUser(tenant, id string) error {
	b, err := tx.tenantBucket(tenant, bucketUsers, false)
	if err != nil || b == nil {
		return err
	}
	tx.userChanged(tenant, id)
	return b.Delete([]byte(id))
}

// ForEachUser calls fn for every user of tenant in id order.
func (tx *Tx) ForEachUser(tenant string, fn func(domain.ServiceUser) error) error {
	b, err := tx.tenantBucket(tenant, bucketUsers, false)
	if err != nil {
		return err
	}
	return forEachJSON(b, fn)
}

// Users returns every user of tenant in id order (none for a missing
// tenant). AccessKeys and AllowedKeyTypes are empty, as for User.
func (tx *Tx) Users(tenant string) ([]domain.ServiceUser, error) {
	b, err := tx.tenantBucket(tenant, bucketUsers, false)
	if err != nil {
		return nil, err
	}
	return decodeAllJSON[domain.ServiceUser](b)
}

// UserCount returns the number of users in tenant.
func (tx *Tx) UserCount(tenant string) int {
	b, _ := tx.tenantBucket(tenant, bucketUsers, false)
	if b == nil {
		return 0
	}
	return b.Stats().KeyN
}

// EmailOwner returns the id of the user of tenant with this e-mail (compared
// by domain.EmailKey).
func (tx *Tx) EmailOwner(tenant, email string) (string, bool) {
	b, _ := tx.tenantBucket(tenant, bucketEmails, false)
	if b == nil {
		return "", false
	}
	v := b.Get([]byte(domain.EmailKey(email)))
	return string(v), v != nil
}

// PutEmail records that email belongs to user id.
func (tx *Tx) PutEmail(tenant, email, id string) error {
	b, err := tx.tenantBucket(tenant, bucketEmails, true)
	if err != nil {
		return err
	}
	return b.Put([]byte(domain.EmailKey(email)), []byte(id))
}

// DeleteEmail forgets an e-mail index entry.
func (tx *Tx) DeleteEmail(tenant, email string) error {
	b, err := tx.tenantBucket(tenant, bucketEmails, false)
	if err != nil || b == nil {
		return err
	}
	return b.Delete([]byte(domain.EmailKey(email)))
}
