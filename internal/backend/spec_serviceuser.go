package backend

import (
	"context"
	"errors"

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
//
// Fields not given are left as they are (a new user takes the defaults:
// display name = id, no e-mail, empty description, active); `email: null`
// removes the address. A ServiceUser entry never generates keys.
type ServiceUserSpec struct {
	Tenant      string             `json:"tenant"`
	ID          string             `json:"id"`
	DisplayName *string            `json:"displayName,omitempty"`
	Email       *string            `json:"email,omitempty" spec:"nullable"`
	Description *string            `json:"description,omitempty"`
	Status      *domain.UserStatus `json:"status,omitempty"`
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
			if errors.Is(err, domain.ErrNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			out := make([]Spec, len(us))
			for i, u := range us {
				out[i] = ServiceUserSpecOf(u)
			}
			return out, nil
		},
	})
}

// ServiceUserSpecOf returns the complete spec of u: what export writes.
func ServiceUserSpecOf(u domain.ServiceUser) *ServiceUserSpec {
	email := ""
	if u.Email != nil {
		email = *u.Email
	}
	displayName, description, status := u.DisplayName, u.Description, u.Status
	return &ServiceUserSpec{Tenant: u.Tenant, ID: u.ID, DisplayName: &displayName, Email: &email, Description: &description, Status: &status}
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
	return v.Err()
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
	return &out, nil
}
