package backend

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// KindAccessKey is the `kind:` of access keys.
const KindAccessKey = "AccessKey"

// AccessKeySpec is the declared state of an access key, named by its user
// and its name (the USER/NAME of `key show`):
//
//	kind: AccessKey
//	tenant: acme
//	serviceUser: ci-bot
//	name: deploy
//	description: pushes releases
//	type: PROVISIONING            # set when the key is generated; never changed
//	expires: 90d                  # lifetime from generation; used only then
//	expiresAt: 2027-01-31T00:00:00Z   # or null (never); compared every run
//	cidrAllowList: [10.0.0.0/8]
//	status: active                # or inactive
//	secretFile: ci-bot-deploy.secret
//
// The entry ensures the key exists: when the user has no live key of that
// name, apply generates one (under the tenant's rules, as `key generate`)
// and its secret is shown once — written to a new 0600 file secretFile
// when given, else printed. An existing key is never re-created and its
// secret never shown again; its description, expiresAt, cidrAllowList and
// status are brought to the declared values with the rules of `key update`,
// `key restrict` and `key activate|deactivate`.
//
// expires and secretFile are directives, not state: they say how to
// generate a missing key and are ignored for an existing one; they are
// never exported. expires and expiresAt exclude each other.
type AccessKeySpec struct {
	Tenant        string            `json:"tenant"`
	ServiceUser   string            `json:"serviceUser" spec:"identity"`
	Name          string            `json:"name" spec:"identity"`
	Description   *string           `json:"description,omitempty"`
	Type          *string           `json:"type,omitempty" spec:"nullable"`
	ExpiresAt     *string           `json:"expiresAt,omitempty" spec:"nullable"`
	CIDRAllowList *[]string         `json:"cidrAllowList,omitempty" spec:"nullable"`
	Status        *domain.KeyStatus `json:"status,omitempty"`
	Expires       *string           `json:"expires,omitempty" spec:"directive"`
	SecretFile    *string           `json:"secretFile,omitempty" spec:"directive"`
}

func init() {
	RegisterKind(Kind{
		Name:       KindAccessKey,
		Order:      40,
		Namespaced: true,
		New:        func() Spec { return &AccessKeySpec{} },
		// A new key's type and expiry are decided when it is generated.
		Default: func(ref Ref) Spec {
			user, name := SplitKeyID(ref.ID)
			description, status := "", domain.KeyActive
			return &AccessKeySpec{Tenant: ref.Tenant, ServiceUser: user, Name: name, Description: &description, CIDRAllowList: &noNames, Status: &status}
		},
		Load: func(ctx context.Context, b Backend, tenant string) ([]Spec, error) {
			ks, err := b.ListKeys(ctx, tenant, ListKeysFilter{})
			// A rotated key waiting for revocation has left its name
			// to its successor: it is not the key of that name.
			return loadSpecs(ks, err, AccessKeySpecOf, func(k domain.AccessKey) bool { return k.RevokeAt == nil })
		},
	})
}

// KeyID is the id of an access key's object in a Ref: "USER/NAME".
func KeyID(user, name string) string { return user + "/" + name }

// SplitKeyID splits a KeyID into the user and the key name.
func SplitKeyID(id string) (user, name string) {
	user, name, _ = strings.Cut(id, "/")
	return user, name
}

// AccessKeySpecOf returns the complete spec of k: what export writes. Its
// status is the one set on the key: an expired key (derived from its
// expiry) is active.
func AccessKeySpecOf(k domain.AccessKey) *AccessKeySpec {
	description, keyType, expiresAt, status := k.Description, "", "", k.Status
	if k.Type != nil {
		keyType = *k.Type
	}
	if k.ExpiresAt != nil {
		expiresAt = formatExpiry(*k.ExpiresAt)
	}
	if status == domain.KeyExpired {
		status = domain.KeyActive
	}
	return &AccessKeySpec{
		Tenant: k.Tenant, ServiceUser: k.ServiceUser, Name: k.Name, Description: &description, Type: &keyType,
		ExpiresAt: &expiresAt, CIDRAllowList: listOf(k.CIDRAllowList), Status: &status,
	}
}

func formatExpiry(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// Ref implements Spec.
func (s *AccessKeySpec) Ref() Ref {
	return Ref{Kind: KindAccessKey, Tenant: s.Tenant, ID: KeyID(s.ServiceUser, s.Name)}
}

// Validate implements Spec.
func (s *AccessKeySpec) Validate() error {
	var v domain.Validation
	v.AddError("tenant", domain.CheckSlug("tenant", s.Tenant))
	v.AddError("serviceUser", domain.CheckSlug("serviceUser", s.ServiceUser))
	v.AddError("name", domain.CheckKeyName("name", s.Name))
	if s.Description != nil {
		v.AddError("description", domain.CheckText("description", *s.Description, domain.MaxKeyDescriptionLen))
	}
	if s.Type != nil && *s.Type != "" {
		v.AddError("type", domain.CheckName("type", *s.Type))
	}
	if s.ExpiresAt != nil && *s.ExpiresAt != "" {
		if _, err := domain.ParseTime(*s.ExpiresAt); err != nil {
			v.Add("expiresAt", "%q is not a date (2027-01-31) or RFC 3339 time; null means never", *s.ExpiresAt)
		}
	}
	if s.Expires != nil {
		switch {
		case s.ExpiresAt != nil:
			v.Add("expires", "give expires (a lifetime from when the key is generated) or expiresAt (a time, compared on every run), not both")
		case !validExpires(*s.Expires):
			v.Add("expires", "%q is not a lifetime (90d, 12h), a date (2027-01-31, RFC 3339) or never", *s.Expires)
		}
	}
	if s.CIDRAllowList != nil {
		_, err := canonicalCIDRs("cidrAllowList", *s.CIDRAllowList)
		v.AddError("cidrAllowList", err)
	}
	if s.Status != nil && *s.Status != domain.KeyActive && *s.Status != domain.KeyInactive {
		v.Add("status", "must be active or inactive (got %q; expired follows from expiresAt)", *s.Status)
	}
	if s.SecretFile != nil && strings.TrimSpace(*s.SecretFile) == "" {
		v.Add("secretFile", "must not be empty (leave it out to print the secret)")
	}
	return v.Err()
}

// validExpires reports whether s is a key lifetime as `key generate
// --expires` takes it.
func validExpires(s string) bool {
	s = strings.TrimSpace(s)
	if s == "never" {
		return true
	}
	if _, err := domain.ParseDuration(s); err == nil {
		return true
	}
	_, err := domain.ParseTime(s)
	return err == nil
}

// Merge implements Spec. The type of an existing key cannot change.
func (s *AccessKeySpec) Merge(base Spec) (Spec, error) {
	b, ok := base.(*AccessKeySpec)
	if !ok {
		return nil, errors.New("access key spec merged onto " + base.Ref().Kind)
	}
	out := *b
	out.Tenant, out.ServiceUser, out.Name = s.Tenant, s.ServiceUser, s.Name
	out.Expires, out.SecretFile = nil, nil
	if s.Description != nil {
		out.Description = s.Description
	}
	if s.Type != nil {
		if b.Type != nil && *b.Type != *s.Type {
			return nil, domain.Invalid("type", "cannot change from %s to %s: a key's type is set when it is generated",
				typeName(*b.Type), typeName(*s.Type)).
				WithHint("revoke the key (or leave type out) and apply again to generate one of the new type")
		}
		out.Type = s.Type
	}
	if s.ExpiresAt != nil {
		at := ""
		if *s.ExpiresAt != "" {
			t, err := domain.ParseTime(*s.ExpiresAt)
			if err != nil {
				return nil, domain.Invalid("expiresAt", "%q is not a date (2027-01-31) or RFC 3339 time; null means never", *s.ExpiresAt)
			}
			at = formatExpiry(t)
		}
		out.ExpiresAt = &at
	}
	if s.CIDRAllowList != nil {
		list, err := canonicalCIDRs("cidrAllowList", *s.CIDRAllowList)
		if err != nil {
			return nil, err
		}
		out.CIDRAllowList = list
	}
	if s.Status != nil {
		out.Status = s.Status
	}
	return &out, nil
}

func typeName(t string) string {
	if t == "" {
		return "none"
	}
	return `"` + t + `"`
}

// References implements Referrer: the key's user, and its type.
func (s *AccessKeySpec) References() []Reference {
	out := []Reference{{Field: "serviceUser", To: Ref{Kind: KindServiceUser, Tenant: s.Tenant, ID: s.ServiceUser}, Cascade: true}}
	if s.Type != nil && *s.Type != "" {
		out = append(out, Reference{Field: "type", To: Ref{Kind: KindKeyType, Tenant: s.Tenant, ID: *s.Type}})
	}
	return out
}

// ForBackend implements ClientSide: the secret file is the client's.
func (s *AccessKeySpec) ForBackend() Spec {
	if s.SecretFile == nil {
		return s
	}
	out := *s
	out.SecretFile = nil
	return &out
}
