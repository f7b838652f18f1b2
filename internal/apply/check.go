package apply

import (
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/manifest"
	"go.yaml.in/yaml/v3"
)

// check is one kind's rule across objects, run over the whole input before
// anything is written. The service enforces the same rule again when it
// writes; checking here refuses a file that would fail half-way.
type check interface {
	// observe sees every valid object of the kind, in input order.
	observe(o observed)
	// finish reports the problems once the whole input is read.
	finish(v *planView) ([]manifest.Problem, error)
}

// observed is one planned object.
type observed struct {
	declared backend.Spec
	merged   backend.Spec // the object as it will be
	current  backend.Spec // nil for a new object
	pos      manifest.Position
	node     *yaml.Node
}

var checks = map[string]func() check{}

// registerCheck adds a kind's cross-object rule; each kind's
// check_<kind>.go calls it from init.
func registerCheck(kind string, newCheck func() check) { checks[kind] = newCheck }

// planView is what checks may ask of the plan at finish.
type planView struct{ pl *planner }

// source names the input in problems.
func (v *planView) source() string { return v.pl.source }

// tenant returns the tenant id as it will be: as the input declares it,
// else as it is now; nil when neither.
func (v *planView) tenant(id string) (*backend.TenantSpec, error) {
	if t := v.pl.declared[id]; t != nil {
		return t, nil
	}
	current, err := v.pl.currentOf(mustKind(backend.KindTenant), "")
	if err != nil {
		return nil, err
	}
	t, _ := current[id].(*backend.TenantSpec)
	return t, nil
}

// undeclared returns the current objects of kind in tenant that the input
// does not declare (for a namespaced kind).
func (v *planView) undeclared(kind, tenant string) (map[string]backend.Spec, error) {
	return v.pl.currentOf(mustKind(kind), tenant)
}
