package service

import (
	"errors"
	"strings"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cidr"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func init() {
	registerApply(backend.KindAccessKey, applyHandler{put: putAccessKey, delete: deleteAccessKeyByApply})
}

// namedKey returns the live, unrotated key of user named name, if any.
func namedKey(a *applyTx, tenant, user, name string) (boltstore.KeyRecord, bool, error) {
	keys, err := liveKeys(a.tx, tenant, user, a.s.clock())
	if err != nil {
		return boltstore.KeyRecord{}, false, err
	}
	for _, k := range keys {
		if k.Name == name && k.RevokeAt == nil {
			return k, true, nil
		}
	}
	return boltstore.KeyRecord{}, false, nil
}

// putAccessKey ensures the key exists: it generates a missing one as `key
// generate` does (its secret goes to the result, once), and brings an
// existing one to the declared description and expiry (`key update`),
// CIDR allow list (`key restrict`) and status (`key activate|deactivate`).
// It never re-creates a key, and changing its type is refused.
func putAccessKey(a *applyTx, spec backend.Spec, _ any) (backend.Action, error) {
	if err := spec.Validate(); err != nil {
		return "", err
	}
	declared := spec.(*backend.AccessKeySpec)
	t, err := a.tenant(declared.Tenant)
	if err != nil {
		return "", err
	}
	u, err := requireUser(a.tx, declared.Tenant, declared.ServiceUser)
	if err != nil {
		return "", err
	}
	k, exists, err := namedKey(a, t.ID, u.ID, declared.Name)
	if err != nil {
		return "", err
	}
	if !exists {
		key, err := a.generateDeclaredKey(t, u, declared)
		if err != nil {
			return "", err
		}
		a.newKey = &key
		return backend.ActionCreate, nil
	}
	now := a.s.clock()
	base := backend.AccessKeySpecOf(maskedKey(k, now))
	merged, err := spec.Merge(base)
	if err != nil {
		return "", err
	}
	want := merged.(*backend.AccessKeySpec)
	changes := backend.DiffSpecs(base, want)
	if len(changes) == 0 {
		return backend.ActionUnchanged, nil
	}
	var update backend.UpdateKeyInput
	var exp expiry
	newStatus, restrict := false, false
	for _, c := range changes {
		switch c.Field {
		case "description":
			update.Description = want.Description
		case "expiresAt":
			at := expiresInput(*want.ExpiresAt)
			update.Expires = &at
			if exp, err = parseExpiry("expiresAt", at); err != nil {
				return "", err
			}
		case "status":
			newStatus = true
		default: // cidrAllowList[...]
			restrict = true
		}
	}
	if update.Description != nil || update.Expires != nil {
		if k, err = a.s.updateKeyTx(a.ctx, a.tx, t, k, update, exp); err != nil {
			return "", renameField(err, "expires", "expiresAt")
		}
	}
	if restrict {
		list, err := cidr.ParseList("cidrAllowList", *want.CIDRAllowList)
		if err != nil {
			return "", err
		}
		if k, err = a.s.restrictKeyTx(a.ctx, a.tx, k, list); err != nil {
			return "", err
		}
	}
	if newStatus {
		if _, err = a.s.setKeyStatusTx(a.ctx, a.tx, k, *want.Status); err != nil {
			return "", err
		}
	}
	return backend.ActionUpdate, nil
}

// generateDeclaredKey generates the key declared for user u of tenant t.
func (a *applyTx) generateDeclaredKey(t domain.Tenant, u domain.ServiceUser, declared *backend.AccessKeySpec) (domain.NewAccessKey, error) {
	in := backend.GenerateKeyInput{Name: declared.Name}
	if declared.Description != nil {
		in.Description = *declared.Description
	}
	if declared.Type != nil {
		in.Type = *declared.Type
	}
	if declared.CIDRAllowList != nil {
		in.CIDRAllowList = *declared.CIDRAllowList
	}
	field := "expires"
	switch {
	case declared.Expires != nil:
		in.Expires = *declared.Expires
	case declared.ExpiresAt != nil:
		in.Expires, field = expiresInput(*declared.ExpiresAt), "expiresAt"
	}
	spec, err := parseKeySpec("", in)
	if err != nil {
		return domain.NewAccessKey{}, renameField(err, "expires", field)
	}
	spec.inactive = declared.Status != nil && *declared.Status == domain.KeyInactive
	material, err := newKeyMaterial()
	if err != nil {
		return domain.NewAccessKey{}, err
	}
	key, err := a.s.generateKeyTx(a.ctx, a.tx, t, u, spec, material)
	return key, renameField(err, "expires", field)
}

// expiresInput is an expiresAt value ("" for never) as an expires input.
func expiresInput(expiresAt string) string {
	if expiresAt == "" {
		return "never"
	}
	return expiresAt
}

// renameField renames field from to to in an invalid-input error: the
// single commands' --expires is the file's expiresAt.
func renameField(err error, from, to string) error {
	var de *domain.Error
	if !errors.As(err, &de) || from == to || de.Fields[from] == "" {
		return err
	}
	c := *de
	c.Fields = map[string]string{}
	for f, why := range de.Fields {
		if f == from {
			f = to
		}
		c.Fields[f] = why
	}
	if rest, ok := strings.CutPrefix(c.Message, from+":"); ok {
		c.Message = to + ":" + rest
	}
	return &c
}

// deleteAccessKeyByApply revokes the key, as `key revoke` does.
func deleteAccessKeyByApply(a *applyTx, ref backend.Ref) (backend.Action, error) {
	user, name := backend.SplitKeyID(ref.ID)
	k, ok, err := namedKey(a, ref.Tenant, user, name)
	if err != nil || !ok {
		return backend.ActionUnchanged, err
	}
	return backend.ActionDelete, a.s.revokeKeyTx(a.ctx, a.tx, k)
}
