package service

import (
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// keyTypeCheck decides, inside the transaction that generates or rotates a
// key, whether user may hold a key of keyType (never ""). The key types
// feature replaces it with its full check (the type's scope within the
// user's permissions); until then a type must merely exist in the tenant's
// catalog. The limit of one active key per type (oneKeyPerType) is checked
// with the other key limits, in checkKeySlot.
var keyTypeCheck = func(tx *boltstore.Tx, t domain.Tenant, user domain.ServiceUser, keyType string) error {
	if !tx.HasKeyType(t.ID, keyType) {
		return domain.Invalid("type", "key types: unknown type %q in tenant %q", keyType, t.ID).
			WithHint("see `keyward keytype list -t %s`", t.ID)
	}
	return nil
}
