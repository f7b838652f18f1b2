package backend

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
)

// KindServiceUser is the `kind:` of service users.
const KindServiceUser = "ServiceUser"

// ServiceUserSpec is the declared state of a service user:
//
//	kind: ServiceUser
//	tenant: acme
//	id: ci-bot
//	displayName: CI bot
//	email: ci@example.com
//	description: builds things
//	status: active
//	cidrAllowList: [10.0.0.0/8]
//	policies: [deployer]
//	groups: [ci]
//	owners: [platform-bot]
//
// Fields not given are left as they are (a new user takes the defaults:
// display name = id, no e-mail, empty description, active, any address, no
// policies, groups or owners); `email: null` removes the address. The
// lists, when given, are the whole list: policies the user holds directly,
// groups it is a member of (membership is declared here, on the user, not
// on the group) and the other users of the tenant that own it. A
// ServiceUser entry never generates keys (see AccessKeySpec).
type ServiceUserSpec struct {
	Tenant        string             `json:"tenant"`
	ID            string             `json:"id"`
	DisplayName   *string            `json:"displayName,omitempty"`
	Email         *string            `json:"email,omitempty" spec:"nullable"`
	Description   *string            `json:"description,omitempty"`
	Status        *domain.UserStatus `json:"status,omitempty"`
	CIDRAllowList *[]string          `json:"cidrAllowList,omitempty" spec:"nullable"`
	Policies      *[]string          `json:"policies,omitempty" spec:"nullable"`
	Groups        *[]string          `json:"groups,omitempty" spec:"nullable"`
	Owners        *[]string          `json:"owners,omitempty" spec:"nullable"`
}

func init() {
	RegisterKind(Kind{
		Name:       KindServiceUser,
		Order:      30,
		Namespaced: true,
		New:        func() Spec { return &ServiceUserSpec{} },
		Default: func(ref Ref) Spec {
			return ServiceUserSpecOf(domain.ServiceUser{Tenant: ref.Tenant, ID: ref.ID, DisplayName: ref.ID, Status: domain.UserActive})
		},
		Load: func(ctx context.Context, b Backend, tenant string) ([]Spec, error) {
			us, err := b.ListServiceUsers(ctx, tenant, ListServiceUsersFilter{})
			return loadSpecs(us, err, ServiceUserSpecOf, nil)
		},
	})
}

// ServiceUserSpecOf returns the complete spec of u: what export writes.
func ServiceUserSpecOf(u domain.ServiceUser) *ServiceUserSpec {
	// One allocation for the spec and the values its fields point to: a
	// plan loads every user of a tenant.
	v := &struct {
		spec                            ServiceUserSpec
		displayName, email, description string
		status                          domain.UserStatus
	}{displayName: u.DisplayName, description: u.Description, status: u.Status}
	if u.Email != nil {
		v.email = *u.Email
	}
	v.spec = ServiceUserSpec{
		Tenant: u.Tenant, ID: u.ID, DisplayName: &v.displayName, Email: &v.email, Description: &v.description, Status: &v.status,
		CIDRAllowList: listOf(u.CIDRAllowList), Policies: listOf(u.Policies), Groups: listOf(u.Groups), Owners: listOf(u.Owners),
	}
	return &v.spec
}

// Ref implements Spec.
func (s *ServiceUserSpec) Ref() Ref { return Ref{Kind: KindServiceUser, Tenant: s.Tenant, ID: s.ID} }

// Validate implements Spec.
func (s *ServiceUserSpec) Validate() error {
	var v domain.Validation
	v.AddError("tenant", domain.CheckSlug("tenant", s.Tenant))
	v.AddError("id", domain.CheckSlug("id", s.ID))
	if s.DisplayName != nil {
		if *s.DisplayName == "" {
			v.Add("displayName", "must not be empty (leave it out to use the id)")
		}
		v.AddError("displayName", domain.CheckText("displayName", *s.DisplayName, domain.MaxDisplayNameLen))
	}
	if s.Description != nil {
		v.AddError("description", domain.CheckText("description", *s.Description, domain.MaxDescriptionLen))
	}
	if s.Email != nil && *s.Email != "" {
		_, err := domain.CheckEmail("email", *s.Email)
		v.AddError("email", err)
	}
	if s.Status != nil && *s.Status != domain.UserActive && *s.Status != domain.UserDisabled {
		v.Add("status", "must be active or disabled (got %q)", *s.Status)
	}
	if s.CIDRAllowList != nil {
		_, err := canonicalCIDRs("cidrAllowList", *s.CIDRAllowList)
		v.AddError("cidrAllowList", err)
	}
	checkNames(&v, "policies", s.Policies, checkPolicyName)
	checkNames(&v, "groups", s.Groups, domain.CheckName)
	checkNames(&v, "owners", s.Owners, func(field, id string) error {
		if id == s.ID {
			return domain.Invalid(field, "a service user cannot own itself")
		}
		return domain.CheckSlug(field, id)
	})
	return v.Err()
}

// checkPolicyName refuses what cannot be a policy name.
func checkPolicyName(field, name string) error {
	if !authz.ValidPolicyName(name) {
		return domain.Invalid(field, "%q is not a policy name: 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit", name)
	}
	return nil
}

// Merge implements Spec.
func (s *ServiceUserSpec) Merge(base Spec) (Spec, error) {
	b, ok := base.(*ServiceUserSpec)
	if !ok {
		return nil, errors.New("service user spec merged onto " + base.Ref().Kind)
	}
	out := *b
	out.Tenant, out.ID = s.Tenant, s.ID
	if s.DisplayName != nil {
		out.DisplayName = s.DisplayName
	}
	if s.Email != nil {
		email, _ := domain.CheckEmail("email", *s.Email) // trimmed; "" stays ""
		out.Email = &email
	}
	if s.Description != nil {
		out.Description = s.Description
	}
	if s.Status != nil {
		out.Status = s.Status
	}
	if s.CIDRAllowList != nil {
		list, err := canonicalCIDRs("cidrAllowList", *s.CIDRAllowList)
		if err != nil {
			return nil, err
		}
		out.CIDRAllowList = list
	}
	if s.Policies != nil {
		out.Policies = canonicalNames(*s.Policies)
	}
	if s.Groups != nil {
		out.Groups = canonicalNames(*s.Groups)
	}
	if s.Owners != nil {
		out.Owners = canonicalNames(*s.Owners)
	}
	return &out, nil
}

// References implements Referrer: the policies, groups and owners given.
func (s *ServiceUserSpec) References() []Reference {
	if s.Policies == nil && s.Groups == nil && s.Owners == nil {
		return nil
	}
	var out []Reference
	out = listRefs(out, "policies", s.Policies, KindPolicy, s.Tenant, false)
	out = listRefs(out, "groups", s.Groups, KindGroup, s.Tenant, false)
	return listRefs(out, "owners", s.Owners, KindServiceUser, s.Tenant, true)
}

// SplitSameKind implements SameKindSplitter: owners name other users.
func (s *ServiceUserSpec) SplitSameKind(pending func(Ref) bool) (now, later Spec) {
	if s.Owners == nil {
		return s, nil
	}
	ready := make([]string, 0, len(*s.Owners))
	for _, o := range *s.Owners {
		if !pending(Ref{Kind: KindServiceUser, Tenant: s.Tenant, ID: o}) {
			ready = append(ready, o)
		}
	}
	if len(ready) == len(*s.Owners) {
		return s, nil
	}
	first := *s
	first.Owners = &ready
	return &first, &ServiceUserSpec{Tenant: s.Tenant, ID: s.ID, Owners: s.Owners}
}
