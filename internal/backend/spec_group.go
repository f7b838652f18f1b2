package backend

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/domain"
)

// KindGroup is the `kind:` of groups.
const KindGroup = "Group"

// maxGroupDescriptionLen bounds a group's description, as `group create`.
const maxGroupDescriptionLen = 1024

// GroupSpec is the declared state of a group:
//
//	kind: Group
//	tenant: acme
//	name: ci
//	description: build machines
//	policies: [deployer]
//
// policies, when given, are the whole list the group holds. Members are
// not declared here: a service user declares the groups it is in
// (ServiceUserSpec.Groups).
type GroupSpec struct {
	Tenant      string    `json:"tenant"`
	Name        string    `json:"name" spec:"identity"`
	Description *string   `json:"description,omitempty"`
	Policies    *[]string `json:"policies,omitempty" spec:"nullable"`
}

func init() {
	RegisterKind(Kind{
		Name:       KindGroup,
		Order:      20,
		Namespaced: true,
		New:        func() Spec { return &GroupSpec{} },
		Default: func(ref Ref) Spec {
			return GroupSpecOf(domain.Group{Tenant: ref.Tenant, Name: ref.ID})
		},
		Load: func(ctx context.Context, b Backend, tenant string) ([]Spec, error) {
			gs, err := b.ListGroups(ctx, tenant)
			return loadSpecs(gs, err, GroupSpecOf, nil)
		},
	})
}

// GroupSpecOf returns the complete spec of g: what export writes.
func GroupSpecOf(g domain.Group) *GroupSpec {
	description := g.Description
	return &GroupSpec{Tenant: g.Tenant, Name: g.Name, Description: &description, Policies: listOf(g.Policies)}
}

// Ref implements Spec.
func (s *GroupSpec) Ref() Ref { return Ref{Kind: KindGroup, Tenant: s.Tenant, ID: s.Name} }

// Validate implements Spec.
func (s *GroupSpec) Validate() error {
	var v domain.Validation
	v.AddError("tenant", domain.CheckSlug("tenant", s.Tenant))
	v.AddError("name", domain.CheckName("name", s.Name))
	if s.Description != nil {
		v.AddError("description", domain.CheckText("description", *s.Description, maxGroupDescriptionLen))
	}
	checkNames(&v, "policies", s.Policies, checkPolicyName)
	return v.Err()
}

// Merge implements Spec.
func (s *GroupSpec) Merge(base Spec) (Spec, error) {
	b, ok := base.(*GroupSpec)
	if !ok {
		return nil, errors.New("group spec merged onto " + base.Ref().Kind)
	}
	out := *b
	out.Tenant, out.Name = s.Tenant, s.Name
	if s.Description != nil {
		out.Description = s.Description
	}
	if s.Policies != nil {
		out.Policies = canonicalNames(*s.Policies)
	}
	return &out, nil
}

// References implements Referrer: the policies given.
func (s *GroupSpec) References() []Reference {
	return listRefs(nil, "policies", s.Policies, KindPolicy, s.Tenant, false)
}
