package service

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cidr"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func userResource(tenant, id string) string { return "kw:" + tenant + ":serviceuser/" + id }

func userNotFound(tenant, id string) error {
	return domain.NotFound("service user %q not found in tenant %q", id, tenant).
		WithHint("see `keyward serviceuser list -t %s`", tenant)
}

// requireUser returns the user or CodeNotFound (naming the tenant when that
// is what is missing).
func requireUser(tx *boltstore.Tx, tenant, id string) (domain.ServiceUser, error) {
	u, ok, err := tx.User(tenant, id)
	if err != nil || ok {
		return u, err
	}
	if _, err := requireTenant(tx, tenant); err != nil {
		return u, err
	}
	return u, userNotFound(tenant, id)
}

// userFields are the validated free-text fields of a service user.
type userFields struct {
	displayName, email, description *string
}

func (f userFields) validate(v *domain.Validation) (email string) {
	if f.displayName != nil {
		v.AddError("displayName", domain.CheckText("displayName", *f.displayName, domain.MaxDisplayNameLen))
	}
	if f.description != nil {
		v.AddError("description", domain.CheckText("description", *f.description, domain.MaxDescriptionLen))
	}
	if f.email != nil && *f.email != "" {
		e, err := domain.CheckEmail("email", *f.email)
		v.AddError("email", err)
		return e
	}
	return ""
}

// claimEmail checks that email is free in tenant (or already id's) and
// indexes it for id.
func claimEmail(tx *boltstore.Tx, tenant, id, email string) error {
	if owner, ok := tx.EmailOwner(tenant, email); ok && owner != id {
		return domain.Conflict("email %q is already used by service user %q in tenant %q", email, owner, tenant)
	}
	return tx.PutEmail(tenant, email, id)
}

// CreateServiceUser implements backend.ServiceUsers.
func (s *Service) CreateServiceUser(ctx context.Context, tenant string, in backend.CreateServiceUserInput) (backend.CreateServiceUserResult, error) {
	var v domain.Validation
	v.AddError("id", domain.CheckSlug("id", in.ID))
	if in.DisplayName == "" {
		in.DisplayName = in.ID
	}
	email := userFields{&in.DisplayName, &in.Email, &in.Description}.validate(&v)
	cidrs, err := cidr.ParseList("cidrAllowList", in.CIDRAllowList)
	v.AddError("cidrAllowList", err)
	var spec keySpec
	var material keyMaterial
	switch {
	case in.NoKey && in.Key != nil:
		v.Add("key", "cannot be given with noKey")
	case !in.NoKey:
		keyIn := backend.GenerateKeyInput{}
		if in.Key != nil {
			keyIn = *in.Key
		}
		spec, err = parseKeySpec("key.", keyIn)
		v.AddError("key", err)
	}
	if err := v.Err(); err != nil {
		return backend.CreateServiceUserResult{}, err
	}
	if !in.NoKey {
		if material, err = newKeyMaterial(); err != nil {
			return backend.CreateServiceUserResult{}, err
		}
	}
	var out backend.CreateServiceUserResult
	err = s.update(func(tx *boltstore.Tx) error {
		t, err := requireTenant(tx, tenant)
		if err != nil {
			return err
		}
		if existing, ok, err := tx.User(tenant, in.ID); err != nil {
			return err
		} else if ok {
			if in.IfNotExists {
				out.ServiceUser, err = s.withKeys(tx, existing)
				return err
			}
			return domain.Conflict("service user %q already exists in tenant %q", in.ID, tenant)
		}
		u := domain.ServiceUser{
			ID: in.ID, Tenant: tenant, DisplayName: in.DisplayName, Description: in.Description,
			Status: domain.UserActive, CIDRAllowList: cidr.Format(cidrs),
		}
		owner, err := s.creatorOwner(ctx, tx, tenant, u.ID)
		if err != nil {
			return err
		}
		if owner != "" {
			u.Owners = []string{owner}
		}
		if email != "" {
			u.Email = &email
		}
		if u, err = s.insertUser(ctx, tx, t, u, newUserOptions{policies: in.Policies, groups: in.Groups}); err != nil {
			return err
		}
		if owner != "" {
			if err := s.auditCreatorOwner(ctx, tx, u, owner); err != nil {
				return err
			}
		}
		out.ServiceUser, out.Created = u, true
		if !in.NoKey {
			key, err := s.generateKeyTx(ctx, tx, t, u, spec, material)
			if err != nil {
				return err
			}
			out.AccessKey = &key
			out.ServiceUser.AccessKeys = []domain.AccessKey{key.AccessKey}
		}
		out.AllowedKeyTypes, err = s.allowedKeyTypes(tx, u)
		out.ServiceUser.Normalize()
		return err
	})
	return out, err
}

// newUserOptions are what insertUser adds to a new user: its first
// policies and groups, and — from bulk apply, which encodes ahead of the
// transaction — the user's record and audit event already encoded.
type newUserOptions struct {
	policies, groups []string
	encoded          *encodedUser
}

// encodedUser is a new user's record and creation event, encoded ahead.
type encodedUser struct {
	record boltstore.EncodedUser
	event  boltstore.EncodedAudit
}

// insertUser stores a new, validated user of tenant t with its e-mail index
// entry, memberships and audit events, and returns it with its creation
// fields set. It enforces the tenant's requireEmail and requireGroup,
// e-mail uniqueness, and that the policies and groups exist. With
// opts.encoded, u already has its creation fields and is stored as encoded.
func (s *Service) insertUser(ctx context.Context, tx *boltstore.Tx, t domain.Tenant, u domain.ServiceUser, opts newUserOptions) (domain.ServiceUser, error) {
	if u.Email == nil && t.Settings.RequireEmail {
		return u, domain.Invalid("email", "is required in tenant %q (setting requireEmail)", t.ID)
	}
	if opts.encoded == nil {
		now := s.clock()
		u.CreatedAt, u.CreatedBy, u.UpdatedAt = now, s.actorOf(ctx), now
	}
	if err := setInitialMemberships(tx, t, &u, opts.policies, opts.groups); err != nil {
		return u, err
	}
	if len(u.Policies)+len(u.Groups) > 0 {
		opts.encoded = nil // encoded without them
	}
	if u.Email != nil {
		if err := claimEmail(tx, t.ID, u.ID, *u.Email); err != nil {
			return u, err
		}
	}
	if opts.encoded != nil {
		if err := tx.PutEncodedUser(opts.encoded.record); err != nil {
			return u, err
		}
		if err := tx.AppendEncodedAudit(opts.encoded.event); err != nil {
			return u, err
		}
	} else {
		if err := tx.PutUser(u); err != nil {
			return u, err
		}
		if err := s.audit(ctx, tx, t.ID, "serviceuser:create", userResource(t.ID, u.ID)); err != nil {
			return u, err
		}
	}
	return u, s.auditInitialMemberships(ctx, tx, u)
}

// encodeNewUser encodes u, created at now by actor without policies or
// groups, with its creation event.
func encodeNewUser(u *domain.ServiceUser, now time.Time, actor string) (*encodedUser, error) {
	u.CreatedAt, u.CreatedBy, u.UpdatedAt = now, actor, now
	u.Policies, u.Groups = []string{}, []string{} // as insertUser leaves them
	record, err := boltstore.EncodeUser(*u)
	if err != nil {
		return nil, err
	}
	event, err := boltstore.EncodeAudit(domain.AuditEvent{Time: now, Actor: actor, Tenant: u.Tenant,
		Action: "serviceuser:create", Target: userResource(u.Tenant, u.ID), Outcome: domain.OutcomeSuccess})
	return &encodedUser{record, event}, err
}

// ListServiceUsers implements backend.ServiceUsers.
func (s *Service) ListServiceUsers(ctx context.Context, tenant string, f backend.ListServiceUsersFilter) ([]domain.ServiceUser, error) {
	switch f.Status {
	case "", domain.UserActive, domain.UserDisabled:
	default:
		return nil, domain.Invalid("status", "must be active or disabled (got %q)", f.Status)
	}
	search := strings.ToLower(f.Search)
	out := []domain.ServiceUser{}
	err := s.view(func(tx *boltstore.Tx) error {
		if !tx.Initialized() {
			return nil // nothing written yet: an empty list, not an error
		}
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		all, err := tx.Users(tenant)
		if err != nil || len(all) == 0 {
			return err
		}
		out = all[:0] // filter in place: thousands of users, one allocation
		for _, u := range all {
			if (f.Status == "" || u.Status == f.Status) && matchesSearch(u, search) {
				u.Normalize()
				out = append(out, u)
			}
		}
		return nil
	})
	return out, err
}

func matchesSearch(u domain.ServiceUser, lowered string) bool {
	if lowered == "" {
		return true
	}
	email := ""
	if u.Email != nil {
		email = *u.Email
	}
	for _, field := range []string{u.ID, u.DisplayName, email, u.Description} {
		if strings.Contains(strings.ToLower(field), lowered) {
			return true
		}
	}
	return false
}

// GetServiceUser implements backend.ServiceUsers.
func (s *Service) GetServiceUser(ctx context.Context, tenant, id string) (domain.ServiceUser, error) {
	var out domain.ServiceUser
	err := s.view(func(tx *boltstore.Tx) error {
		u, err := requireUser(tx, tenant, id)
		if err != nil {
			return err
		}
		out, err = s.withKeys(tx, u)
		return err
	})
	return out, err
}

// withKeys fills the derived fields of u: its masked keys and allowed key types.
func (s *Service) withKeys(tx *boltstore.Tx, u domain.ServiceUser) (domain.ServiceUser, error) {
	now := s.clock()
	u.AccessKeys = []domain.AccessKey{}
	err := tx.ForEachKeyOfUser(u.Tenant, u.ID, func(k boltstore.KeyRecord) error {
		if !keyGone(k, now) {
			u.AccessKeys = append(u.AccessKeys, maskedKey(k, now))
		}
		return nil
	})
	if err != nil {
		return u, err
	}
	u.AllowedKeyTypes, err = s.allowedKeyTypes(tx, u)
	u.Normalize()
	return u, err
}

// UpdateServiceUser implements backend.ServiceUsers.
func (s *Service) UpdateServiceUser(ctx context.Context, tenant, id string, in backend.UpdateServiceUserInput) (domain.ServiceUser, error) {
	var v domain.Validation
	email := userFields{in.DisplayName, in.Email, in.Description}.validate(&v)
	if in.DisplayName != nil && *in.DisplayName == "" {
		v.Add("displayName", "must not be empty")
	}
	var cidrs []netip.Prefix
	if in.CIDRAllowList != nil {
		var err error
		cidrs, err = cidr.ParseList("cidrAllowList", *in.CIDRAllowList)
		v.AddError("cidrAllowList", err)
	}
	if err := v.Err(); err != nil {
		return domain.ServiceUser{}, err
	}
	var out domain.ServiceUser
	err := s.update(func(tx *boltstore.Tx) error {
		u, err := requireUser(tx, tenant, id)
		if err != nil {
			return err
		}
		t, err := requireTenant(tx, tenant)
		if err != nil {
			return err
		}
		if in.DisplayName != nil {
			u.DisplayName = *in.DisplayName
		}
		if in.Description != nil {
			u.Description = *in.Description
		}
		if in.CIDRAllowList != nil {
			u.CIDRAllowList = cidr.Format(cidrs)
		}
		if in.Email != nil {
			if err := setUserEmail(tx, t, &u, email); err != nil {
				return err
			}
		}
		u.UpdatedAt = s.clock()
		if err := tx.PutUser(u); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, tenant, "serviceuser:update", userResource(tenant, id)); err != nil {
			return err
		}
		out, err = s.withKeys(tx, u)
		return err
	})
	return out, err
}

// setUserEmail changes u's address to email ("" removes it), keeping the
// e-mail index in step; it enforces requireEmail and uniqueness.
func setUserEmail(tx *boltstore.Tx, t domain.Tenant, u *domain.ServiceUser, email string) error {
	if email == "" && t.Settings.RequireEmail {
		return domain.Invalid("email", "is required in tenant %q (setting requireEmail)", t.ID)
	}
	if u.Email != nil && domain.EmailKey(*u.Email) != domain.EmailKey(email) {
		if err := tx.DeleteEmail(t.ID, *u.Email); err != nil {
			return err
		}
	}
	u.Email = nil
	if email != "" {
		if err := claimEmail(tx, t.ID, u.ID, email); err != nil {
			return err
		}
		u.Email = &email
	}
	return nil
}

// SetServiceUserStatus implements backend.ServiceUsers.
func (s *Service) SetServiceUserStatus(ctx context.Context, tenant, id string, status domain.UserStatus) (domain.ServiceUser, error) {
	action := map[domain.UserStatus]string{domain.UserActive: "serviceuser:enable", domain.UserDisabled: "serviceuser:disable"}[status]
	if action == "" {
		return domain.ServiceUser{}, domain.Invalid("status", "must be active or disabled (got %q)", status)
	}
	var out domain.ServiceUser
	err := s.update(func(tx *boltstore.Tx) error {
		u, err := requireUser(tx, tenant, id)
		if err != nil {
			return err
		}
		if u.Status != status {
			u.Status, u.UpdatedAt = status, s.clock()
			if err := tx.PutUser(u); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, tenant, action, userResource(tenant, id)); err != nil {
				return err
			}
		}
		out, err = s.withKeys(tx, u)
		return err
	})
	return out, err
}

// DeleteServiceUser implements backend.ServiceUsers.
func (s *Service) DeleteServiceUser(ctx context.Context, tenant, id string) error {
	return s.update(func(tx *boltstore.Tx) error {
		u, err := requireUser(tx, tenant, id)
		if err != nil {
			return err
		}
		return s.removeUser(ctx, tx, u)
	})
}

// removeUser deletes u with its keys and e-mail index entry, removes it as
// an owner of other users, and audits the deletion.
func (s *Service) removeUser(ctx context.Context, tx *boltstore.Tx, u domain.ServiceUser) error {
	tenant, id := u.Tenant, u.ID
	var keys []boltstore.KeyRecord
	if err := tx.ForEachKeyOfUser(tenant, id, func(k boltstore.KeyRecord) error {
		keys = append(keys, k)
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.DeleteKey(k); err != nil {
			return err
		}
	}
	if u.Email != nil {
		if err := tx.DeleteEmail(tenant, *u.Email); err != nil {
			return err
		}
	}
	if err := tx.DeleteUser(tenant, id); err != nil {
		return err
	}
	if err := s.removeOwnerEverywhere(tx, tenant, id); err != nil {
		return err
	}
	if _, err := authzChanged(tx); err != nil {
		return err
	}
	return s.audit(ctx, tx, tenant, "serviceuser:delete", userResource(tenant, id))
}
