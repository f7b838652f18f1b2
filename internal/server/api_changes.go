package server

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// changeKind is how the server authorizes changes to objects of one kind:
// the catalog namespace of its actions, its resource, and whether an
// object exists (a put that creates needs <ns>:create, one that updates
// <ns>:update).
type changeKind struct {
	namespace string
	resource  func(ref backend.Ref) string
	exists    func(ctx context.Context, s *Server, ref backend.Ref) bool
}

var changeKinds = map[string]changeKind{
	backend.KindTenant: {
		namespace: "tenant",
		resource:  func(ref backend.Ref) string { return authz.TenantResource(ref.ID) },
		exists: func(ctx context.Context, s *Server, ref backend.Ref) bool {
			_, err := s.svc.GetTenant(ctx, ref.ID)
			return err == nil
		},
	},
	backend.KindServiceUser: {
		namespace: "serviceuser",
		resource:  func(ref backend.Ref) string { return authz.ServiceUserResource(ref.Tenant, ref.ID) },
		exists: func(ctx context.Context, s *Server, ref backend.Ref) bool {
			_, err := s.svc.GetServiceUser(ctx, ref.Tenant, ref.ID)
			return err == nil
		},
	},
}

// applyChanges: POST /v1/changes (a JSON array of changes, the chunk of a
// plan `keyward apply` sends). Every change is authorized before any is
// made: <kind>:create or <kind>:update for a put (by whether the object
// exists), <kind>:delete for a delete, and serviceuser:enable or
// serviceuser:disable for a service user's status. Then all are applied in
// one transaction, or none.
func (s *Server) applyChanges(w http.ResponseWriter, r *http.Request, c *caller) error {
	var changes []backend.Change
	if err := decodeJSON(r, &changes); err != nil {
		return err
	}
	if len(changes) == 0 || len(changes) > backend.MaxChangesPerCall {
		// Nothing to authorize, or more than the service takes: it answers
		// as locally (an empty result, or the refusal) and writes nothing.
		c.authorized = true
	} else if err := s.authorizeChanges(c, changes); err != nil {
		return err
	}
	res, err := s.svc.ApplyChanges(c.ctx, changes)
	if err != nil {
		return err
	}
	if res == nil {
		res = []backend.ChangeResult{}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// authorizeChanges authorizes every change before any is made. A change of
// a kind the service does not know is left to the service, which refuses
// the whole call before writing; a kind it knows but the server cannot
// authorize is refused here.
func (s *Server) authorizeChanges(c *caller, changes []backend.Change) error {
	for _, ch := range changes {
		kind, ok := changeKinds[ch.Ref.Kind]
		if !ok {
			if _, known := backend.LookupKind(ch.Ref.Kind); !known {
				c.authorized = true
				continue
			}
			return domain.Invalid("kind", "%s: kind %q cannot be applied over the API", ch.Ref, ch.Ref.Kind)
		}
		resource := kind.resource(ch.Ref)
		action := kind.namespace + ":delete"
		if ch.Op == backend.OpPut {
			action = kind.namespace + ":create"
			if kind.exists(c.ctx, s, ch.Ref) {
				action = kind.namespace + ":update"
			}
		}
		if err := s.allowAction(c, action, resource); err != nil {
			return err
		}
		if spec, ok := ch.Spec.(*backend.ServiceUserSpec); ok && spec.Status != nil {
			statusAction := "serviceuser:disable"
			if *spec.Status == domain.UserActive {
				statusAction = "serviceuser:enable"
			}
			if err := s.allowAction(c, statusAction, resource); err != nil {
				return err
			}
		}
	}
	return nil
}
