package server

import (
	"context"
	"net/http"
	"slices"

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
		if spec, ok := ch.Spec.(*backend.ServiceUserSpec); ok {
			if err := s.authorizeServiceUserSpec(c, spec, resource); err != nil {
				return err
			}
		}
	}
	return nil
}

// authorizeServiceUserSpec authorizes what a ServiceUser entry changes
// beyond the user itself, as the single commands would: its status
// (serviceuser:enable/disable), policies attached or detached
// (policy:attach/detach on each policy), groups joined or left
// (group:add/remove on each group) and owners (owner:add/remove). Without
// this, serviceuser:update alone would let a caller grant any policy.
func (s *Server) authorizeServiceUserSpec(c *caller, spec *backend.ServiceUserSpec, resource string) error {
	if spec.Status != nil {
		statusAction := "serviceuser:disable"
		if *spec.Status == domain.UserActive {
			statusAction = "serviceuser:enable"
		}
		if err := s.allowAction(c, statusAction, resource); err != nil {
			return err
		}
	}
	if spec.Policies == nil && spec.Groups == nil && spec.Owners == nil {
		return nil
	}
	var cur domain.ServiceUser // a new user holds nothing yet
	if u, err := s.svc.GetServiceUser(c.ctx, spec.Tenant, spec.ID); err == nil {
		cur = u
	}
	type listChange struct {
		want             *[]string
		have             []string
		add, remove      string
		resourceOfMember func(name string) string
	}
	for _, lc := range []listChange{
		{spec.Policies, cur.Policies, "policy:attach", "policy:detach", func(n string) string { return authz.PolicyResource(spec.Tenant, n) }},
		{spec.Groups, cur.Groups, "group:add", "group:remove", func(n string) string { return authz.GroupResource(spec.Tenant, n) }},
		{spec.Owners, cur.Owners, "owner:add", "owner:remove", func(string) string { return resource }},
	} {
		if lc.want == nil {
			continue
		}
		added, removed := listDiff(lc.have, *lc.want)
		for _, n := range added {
			if err := s.allowAction(c, lc.add, lc.resourceOfMember(n)); err != nil {
				return err
			}
		}
		for _, n := range removed {
			if err := s.allowAction(c, lc.remove, lc.resourceOfMember(n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// listDiff returns the names in want but not have, and in have but not want.
func listDiff(have, want []string) (added, removed []string) {
	in := func(l []string, x string) bool { return slices.Contains(l, x) }
	for _, w := range want {
		if !in(have, w) {
			added = append(added, w)
		}
	}
	for _, h := range have {
		if !in(want, h) {
			removed = append(removed, h)
		}
	}
	return added, removed
}
