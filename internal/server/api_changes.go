package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// changeAuthorizer authorizes one change of a POST /v1/changes call with
// the actions and resources the single-object endpoints of its kind need
// for the same effect (api_changes_<kind>.go).
type changeAuthorizer func(a *changeAuth, ch backend.Change) error

// changeAuthorizers has one entry per kind the service applies; a kind
// the service knows but the server cannot authorize is refused.
var changeAuthorizers = map[string]changeAuthorizer{
	backend.KindTenant:      authorizeTenantChange,
	backend.KindPolicy:      authorizePolicyChange,
	backend.KindGroup:       authorizeGroupChange,
	backend.KindKeyType:     authorizeKeyTypeChange,
	backend.KindServiceUser: authorizeServiceUserChange,
	backend.KindAccessKey:   authorizeAccessKeyChange,
}

// applyChanges: POST /v1/changes (a JSON array of changes, the chunk of a
// plan `keyward apply` sends). Every change is authorized before any is
// made, as the single-object endpoints would authorize the same effect
// (see changeAuthorizers); then all are applied in one transaction, or
// none.
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

// changeAuth is the authorization of one call's changes, in order.
type changeAuth struct {
	s *Server
	c *caller
}

// allow authorizes action on resource for the caller.
func (a *changeAuth) allow(action, resource string) error {
	return a.s.allowAction(a.c, action, resource)
}

// allowEach authorizes each of actions (deduplicated) on resource.
func (a *changeAuth) allowEach(actions []string, resource string) error {
	slices.Sort(actions)
	for _, action := range slices.Compact(actions) {
		if err := a.allow(action, resource); err != nil {
			return err
		}
	}
	return nil
}

// authorizeChanges authorizes every change before any is made. A change
// the service will refuse as a whole before writing anything — an unknown
// kind or operation, a put without a spec or whose spec names another
// object — needs no authorization; a kind the service knows but the
// server cannot authorize is refused here.
func (s *Server) authorizeChanges(c *caller, changes []backend.Change) error {
	a := &changeAuth{s: s, c: c}
	defer func() { c.pendingOwnership = nil }()
	for _, ch := range changes {
		if ch.Check() != nil { // the service refuses the whole call
			c.authorized = true
			continue
		}
		authorize, ok := changeAuthorizers[ch.Ref.Kind]
		if !ok {
			return domain.Invalid("kind", "%s: kind %q cannot be applied over the API", ch.Ref, ch.Ref.Kind)
		}
		if err := authorize(a, ch); err != nil {
			return err
		}
	}
	return nil
}

// changedFields returns the top-level fields (statements, not
// statements[1].effect) that differ between the current object's complete
// spec and the declared spec merged onto it; ok is false when the merge
// fails (the service refuses such a change before writing).
func changedFields(current, declared backend.Spec) (fields map[string]bool, merged backend.Spec, ok bool) {
	merged, err := declared.Merge(current)
	if err != nil {
		return nil, nil, false
	}
	fields = map[string]bool{}
	for _, fc := range backend.DiffSpecs(current, merged) {
		fields[topField(fc.Field)] = true
	}
	return fields, merged, true
}

// topField is the top-level field of a JSON path ("statements[1].effect"
// → "statements", "settings.tokenTtl" → "settings").
func topField(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

// listDiff returns the names in want but not have, and in have but not want.
func listDiff(have, want []string) (added, removed []string) {
	for _, w := range want {
		if !slices.Contains(have, w) {
			added = append(added, w)
		}
	}
	for _, h := range have {
		if !slices.Contains(want, h) {
			removed = append(removed, h)
		}
	}
	return added, removed
}

// membership is a list of names a spec declares whose changes the single
// commands authorize per member: a policy attached, a group joined, an
// owner added.
type membership struct {
	have, want      []string
	add, remove     string
	resourceOfEntry func(name string) string
	// exempt, when set, names a member that needs no add action.
	exempt func(name string) bool
}

// allowMembership authorizes the add action for each member added and the
// remove action for each member removed, on that member's resource.
func (a *changeAuth) allowMembership(m membership) error {
	added, removed := listDiff(m.have, m.want)
	for _, n := range added {
		if m.exempt != nil && m.exempt(n) {
			continue
		}
		if err := a.allow(m.add, m.resourceOfEntry(n)); err != nil {
			return err
		}
	}
	for _, n := range removed {
		if err := a.allow(m.remove, m.resourceOfEntry(n)); err != nil {
			return err
		}
	}
	return nil
}

// declaredList is the list a spec field declares, nil when not declared.
func declaredList(l *[]string) []string {
	if l == nil {
		return nil
	}
	return *l
}
