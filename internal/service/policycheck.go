package service

import (
	"context"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// CheckPolicy implements backend.Policies: it decides the request with the
// same engine and the same principal the server uses (Principal), and
// explains the decision.
func (s *Service) CheckPolicy(ctx context.Context, tenant string, in backend.CheckPolicyInput) (backend.PolicyCheck, error) {
	var v domain.Validation
	if in.User == "" {
		v.Add("user", "name the service user to check")
	}
	if in.Action == "" {
		v.Add("action", "name the action to check, e.g. key:rotate or orders:read")
	}
	if err := v.Err(); err != nil {
		return backend.PolicyCheck{}, err
	}
	resource := in.Resource
	if resource == "" {
		resource = authz.AllResources(tenant)
	}
	out := backend.PolicyCheck{Tenant: tenant, ServiceUser: in.User, Action: in.Action}
	err := s.view(func(tx *boltstore.Tx) error {
		u, err := requireUser(tx, tenant, in.User)
		if err != nil {
			return err
		}
		principal, err := s.principalOf(tx, u)
		if err != nil {
			return err
		}
		if in.KeyID != "" {
			k, ok, err := tx.Key(in.KeyID)
			if err != nil {
				return err
			}
			if !ok || k.Tenant != tenant || k.ServiceUser != in.User {
				return domain.NotFound("access key %q of service user %q not found in tenant %q", in.KeyID, in.User, tenant).
					WithHint("see `keyward serviceuser show %s`", in.User)
			}
			out.KeyID = &k.ID
			if k.Type != nil {
				out.KeyType = k.Type
				if principal, err = s.withKeyType(tx, principal, tenant, *k.Type); err != nil {
					return err
				}
			}
		}
		d := principal.Decide(in.Action, resource)
		if d.Reason == authz.InvalidAction || d.Reason == authz.InvalidResource {
			return d.Err()
		}
		out.Resource, out.Allowed, out.Reason, out.Explanation = d.Resource, d.Allowed, d.Reason.String(), d.String()
		out.Decision = "deny"
		if d.Allowed {
			out.Decision = "allow"
		}
		if d.Statement.Policy != "" {
			ref := d.Statement
			out.Statement = &ref
		}
		if d.Scope.Policy != "" {
			ref := d.Scope
			out.ScopeStatement = &ref
		}
		return nil
	})
	return out, err
}
