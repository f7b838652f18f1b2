package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// applyHandler writes one kind for ApplyChanges, inside its transaction,
// with the rules and audit events of the kind's single-object methods. Each
// kind registers one from its own file (apply_<kind>.go).
type applyHandler struct {
	// put creates or updates the object spec declares.
	put func(a *applyTx, spec backend.Spec) (backend.Action, error)
	// delete removes the object, or reports ActionUnchanged when it is gone.
	delete func(a *applyTx, ref backend.Ref) (backend.Action, error)
}

var applyHandlers = map[string]applyHandler{}

func registerApply(kind string, h applyHandler) { applyHandlers[kind] = h }

// applyTx is one ApplyChanges transaction: the service, the caller's
// context and what the changes so far have looked up.
type applyTx struct {
	s       *Service
	ctx     context.Context
	tx      *boltstore.Tx
	tenants map[string]domain.Tenant
}

// tenant returns the tenant id or CodeNotFound, remembering it.
func (a *applyTx) tenant(id string) (domain.Tenant, error) {
	if t, ok := a.tenants[id]; ok {
		return t, nil
	}
	t, err := requireTenant(a.tx, id)
	if err == nil {
		a.tenants[id] = t
	}
	return t, err
}

// ApplyChanges implements backend.Changes.
func (s *Service) ApplyChanges(ctx context.Context, changes []backend.Change) ([]backend.ChangeResult, error) {
	if len(changes) > backend.MaxChangesPerCall {
		return nil, domain.Invalid("changes", "%d changes in one call; the maximum is %d", len(changes), backend.MaxChangesPerCall)
	}
	handlers := make([]applyHandler, len(changes))
	for i, c := range changes {
		h, ok := applyHandlers[c.Ref.Kind]
		if !ok {
			return nil, domain.Invalid("kind", "%s: unknown kind %q", c.Ref, c.Ref.Kind)
		}
		switch c.Op {
		case backend.OpPut:
			if c.Spec == nil {
				return nil, domain.Invalid("spec", "%s: a put needs a spec", c.Ref)
			}
			if c.Spec.Ref() != c.Ref {
				return nil, domain.Invalid("spec", "%s: the spec names %s", c.Ref, c.Spec.Ref())
			}
		case backend.OpDelete:
		default:
			return nil, domain.Invalid("op", "%s: unknown operation %q; use put or delete", c.Ref, c.Op)
		}
		handlers[i] = h
	}
	results := make([]backend.ChangeResult, len(changes))
	err := s.update(func(tx *boltstore.Tx) error {
		a := &applyTx{s: s, ctx: ctx, tx: tx, tenants: map[string]domain.Tenant{}}
		for i, c := range changes {
			if i%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			var action backend.Action
			var err error
			if c.Op == backend.OpPut {
				action, err = handlers[i].put(a, c.Spec)
			} else {
				action, err = handlers[i].delete(a, c.Ref)
			}
			if err != nil {
				return changeError(c.Ref, err)
			}
			results[i] = backend.ChangeResult{Ref: c.Ref, Action: action}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// changeError names the object a change failed on, keeping the error's code
// and fields.
func changeError(ref backend.Ref, err error) error {
	var de *domain.Error
	if errors.As(err, &de) {
		c := *de
		c.Message = ref.String() + ": " + de.Message
		return &c
	}
	return fmt.Errorf("%s: %w", ref, err)
}
