package apply

import (
	"fmt"
	"sort"
	"strings"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/manifest"
)

// refUse is one reference of a planned object (backend.Referrer), kept
// until the whole input is read: the object named may be declared further
// down.
type refUse struct {
	from  backend.Ref
	field string
	pos   manifest.Position // Line: of the field when the file gives it
	to    backend.Ref
	// declared: the file gives the field; else it is the object's current
	// value, which matters only when --prune would delete what it names.
	declared bool
	cascade  bool
}

// observeRefs records the references of a planned object: those its
// declaration gives, and with --prune those it keeps from its current
// state (merged: the object as it will be).
func (pl *planner) observeRefs(d manifest.Decoded, ref backend.Ref, merged backend.Spec) {
	declared, ok := d.Spec.(backend.Referrer)
	if !ok {
		return
	}
	given := map[string]bool{} // top-level fields whose references the file gives
	for _, use := range declared.References() {
		pos := d.Pos
		pos.Line = max(manifest.FieldLine(d.Node, use.Field), d.Pos.Line)
		pl.refs = append(pl.refs, refUse{from: cloneRef(ref), field: use.Field, pos: pos, to: cloneRef(use.To), declared: true, cascade: use.Cascade})
		given[topField(use.Field)] = true
	}
	if !pl.opts.Prune {
		return
	}
	var paths map[string]bool
	for _, use := range merged.(backend.Referrer).References() {
		if given[topField(use.Field)] {
			continue
		}
		if paths == nil {
			paths = backend.DeclaredPaths(d.Spec)
		}
		if paths[topField(use.Field)] {
			continue // given, as an empty list
		}
		pl.refs = append(pl.refs, refUse{from: cloneRef(ref), field: use.Field, pos: d.Pos, to: cloneRef(use.To), cascade: use.Cascade})
	}
}

// topField is the top-level name of a field path: "policies" of "policies[1]".
func topField(path string) string {
	name, _, _ := strings.Cut(path, "[")
	name, _, _ = strings.Cut(name, ".")
	return name
}

// cloneRef copies a ref's strings, which may be slices of the document text.
func cloneRef(r backend.Ref) backend.Ref {
	return backend.Ref{Kind: r.Kind, Tenant: strings.Clone(r.Tenant), ID: strings.Clone(r.ID)}
}

// existence is what will become of an object named by a reference.
type existence int

const (
	exists existence = iota
	missing
	pruned // exists now, but --prune deletes it
)

// fate tells whether ref will exist once the plan is applied.
func (pl *planner) fate(ref backend.Ref) (existence, error) {
	kind, ok := backend.LookupKind(ref.Kind)
	if !ok {
		return missing, nil
	}
	if kind.Builtin(ref) {
		return exists, nil
	}
	if _, declared := pl.seen[kindTenant{ref.Kind, ref.Tenant}][ref.ID]; declared {
		return exists, nil
	}
	current, err := pl.currentOf(kind, ref.Tenant)
	if err != nil {
		return missing, err
	}
	switch {
	case current[ref.ID] == nil:
		return missing, nil
	case pl.prunes(kind.Name, ref.Tenant):
		return pruned, nil
	}
	return exists, nil
}

// prunes reports whether --prune deletes the undeclared objects of kind in
// tenant: the input has objects of the kind, and names the tenant.
func (pl *planner) prunes(kind, tenant string) bool {
	if !pl.opts.Prune || !pl.kinds[kind] {
		return false
	}
	if _, ok := pl.mentioned[tenant]; ok {
		return true
	}
	_, ok := pl.declared[tenant]
	return ok
}

// checkRefs reports references to objects that will not exist: neither
// declared nor existing, or deleted by --prune. With --prune it also
// refuses to delete an object that one the input does not declare (and
// so keeps) still names — prune never changes what the file leaves out —
// except where deleting it takes care of that (a user's keys go with it).
func (pl *planner) checkRefs() error {
	for _, use := range pl.refs {
		fate, err := pl.fate(use.to)
		if err != nil {
			return err
		}
		if fate == exists || (!use.declared && (fate == missing || use.cascade)) {
			continue
		}
		noun := kindNoun(use.to.Kind)
		msg := fmt.Sprintf("%s %q does not exist in tenant %q; declare it in the file or create it first", noun, use.to.ID, use.to.Tenant)
		if fate == pruned {
			msg = fmt.Sprintf("%s %q is not in the file, so --prune would delete it; declare it, or no longer name it here", noun, use.to.ID)
		}
		pl.problems = append(pl.problems, manifest.Problem{Source: pl.source, Pos: use.pos, Object: use.from.String(), Field: use.field, Message: msg})
	}
	pl.refs = nil
	if pl.opts.Prune {
		return pl.checkPruneKeepsUndeclared()
	}
	return nil
}

// checkPruneKeepsUndeclared refuses a prune that would delete an object
// still named by one of a kind the input does not have (so not pruned).
func (pl *planner) checkPruneKeepsUndeclared() error {
	var tenants []string
	for id := range pl.mentioned {
		tenants = append(tenants, id)
	}
	for id := range pl.declared {
		if _, ok := pl.mentioned[id]; !ok {
			tenants = append(tenants, id)
		}
	}
	sort.Strings(tenants)
	for _, kind := range backend.Kinds() {
		if !kind.Namespaced || pl.kinds[kind.Name] || !pl.prunesBelow(kind.Order) {
			continue
		}
		for _, tenant := range tenants {
			current, err := pl.currentOf(kind, tenant)
			if err != nil {
				return err
			}
			ids := make([]string, 0, len(current))
			for id := range current {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				r, ok := current[id].(backend.Referrer)
				if !ok {
					continue
				}
				for _, use := range r.References() {
					if use.Cascade {
						continue
					}
					if fate, err := pl.fate(use.To); err != nil {
						return err
					} else if fate == pruned {
						pl.problems = append(pl.problems, manifest.Problem{Source: pl.source, Object: use.To.String(),
							Message: fmt.Sprintf("--prune would delete it, but %s, which the file does not declare, still names it (%s); declare that %s in the file without it, or stop naming it first",
								current[id].Ref(), use.Field, kindNoun(kind.Name))})
					}
				}
			}
		}
	}
	return nil
}

// prunesBelow reports whether the input prunes a kind applied before order
// (objects name objects of kinds applied before theirs).
func (pl *planner) prunesBelow(order int) bool {
	for _, k := range backend.Kinds() {
		if k.Order < order && k.Namespaced && pl.kinds[k.Name] {
			return true
		}
	}
	return false
}

// kindNoun names a kind in a sentence: "policy", "key type".
func kindNoun(kind string) string {
	switch kind {
	case backend.KindKeyType:
		return "key type"
	case backend.KindServiceUser:
		return "service user"
	case backend.KindAccessKey:
		return "access key"
	}
	return strings.ToLower(kind)
}
