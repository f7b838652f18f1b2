package backend

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/domain"
)

// KindKeyType is the `kind:` of key types.
const KindKeyType = "KeyType"

// Limits of key type fields, as `keytype create` checks them.
const (
	maxKeyTypeDisplayNameLen = 128
	maxKeyTypeDescriptionLen = 1024
)

// KeyTypeSpec is the declared state of a key type of a tenant's catalog:
//
//	kind: KeyType
//	tenant: acme
//	name: MONITORING
//	displayName: Monitoring
//	description: read-only metrics access
//	scope: monitoring-scope
//
// scope names the scope policy (custom or managed) and is required for a
// new key type; displayName defaults to the name.
type KeyTypeSpec struct {
	Tenant      string  `json:"tenant"`
	Name        string  `json:"name" spec:"identity"`
	DisplayName *string `json:"displayName,omitempty"`
	Description *string `json:"description,omitempty"`
	Scope       *string `json:"scope,omitempty"`
}

func init() {
	RegisterKind(Kind{
		Name:       KindKeyType,
		Order:      25,
		Namespaced: true,
		New:        func() Spec { return &KeyTypeSpec{} },
		// A new key type has no scope until one is declared.
		Default: func(ref Ref) Spec {
			displayName, description := ref.ID, ""
			return &KeyTypeSpec{Tenant: ref.Tenant, Name: ref.ID, DisplayName: &displayName, Description: &description}
		},
		Load: func(ctx context.Context, b Backend, tenant string) ([]Spec, error) {
			ks, err := b.ListKeyTypes(ctx, tenant)
			return loadSpecs(ks, err, KeyTypeSpecOf, nil)
		},
	})
}

// KeyTypeSpecOf returns the complete spec of k: what export writes.
func KeyTypeSpecOf(k domain.KeyType) *KeyTypeSpec {
	displayName, description, scope := k.DisplayName, k.Description, k.Scope
	return &KeyTypeSpec{Tenant: k.Tenant, Name: k.Name, DisplayName: &displayName, Description: &description, Scope: &scope}
}

// Ref implements Spec.
func (s *KeyTypeSpec) Ref() Ref { return Ref{Kind: KindKeyType, Tenant: s.Tenant, ID: s.Name} }

// Validate implements Spec.
func (s *KeyTypeSpec) Validate() error {
	var v domain.Validation
	v.AddError("tenant", domain.CheckSlug("tenant", s.Tenant))
	v.AddError("name", domain.CheckName("name", s.Name))
	if s.DisplayName != nil {
		if *s.DisplayName == "" {
			v.Add("displayName", "must not be empty (leave it out to use the name)")
		}
		v.AddError("displayName", domain.CheckText("displayName", *s.DisplayName, maxKeyTypeDisplayNameLen))
	}
	if s.Description != nil {
		v.AddError("description", domain.CheckText("description", *s.Description, maxKeyTypeDescriptionLen))
	}
	if s.Scope != nil {
		v.AddError("scope", checkPolicyName("scope", *s.Scope))
	}
	return v.Err()
}

// Merge implements Spec.
func (s *KeyTypeSpec) Merge(base Spec) (Spec, error) {
	b, ok := base.(*KeyTypeSpec)
	if !ok {
		return nil, errors.New("key type spec merged onto " + base.Ref().Kind)
	}
	out := *b
	out.Tenant, out.Name = s.Tenant, s.Name
	if s.DisplayName != nil {
		out.DisplayName = s.DisplayName
	}
	if s.Description != nil {
		out.Description = s.Description
	}
	if s.Scope != nil {
		out.Scope = s.Scope
	}
	if out.Scope == nil {
		return nil, domain.Invalid("scope", "is required for a new key type: name the policy that bounds what keys of the type may do")
	}
	return &out, nil
}

// References implements Referrer: the scope policy.
func (s *KeyTypeSpec) References() []Reference {
	if s.Scope == nil {
		return nil
	}
	return []Reference{{Field: "scope", To: Ref{Kind: KindPolicy, Tenant: s.Tenant, ID: *s.Scope}}}
}
