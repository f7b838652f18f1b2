package service

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// applyHandler writes one kind for ApplyChanges, inside its transaction,
// with the rules and audit events of the kind's single-object methods. Each
// kind registers one from its own file (apply_<kind>.go).
type applyHandler struct {
	// prepare, when set, does ahead and on another goroutine the part of a
	// put that needs no transaction — checking the spec, encoding the
	// records of a new object — and returns what put takes as prepared.
	prepare func(p prepareContext, spec backend.Spec) any
	// put creates or updates the object spec declares; prepared is the
	// result of prepare, or nil when it did not run.
	put func(a *applyTx, spec backend.Spec, prepared any) (backend.Action, error)
	// delete removes the object, or reports ActionUnchanged when it is gone.
	delete func(a *applyTx, ref backend.Ref) (backend.Action, error)
}

var applyHandlers = map[string]applyHandler{}

func registerApply(kind string, h applyHandler) { applyHandlers[kind] = h }

// prepareContext is what a prepare step knows: the time of the whole call
// (one transaction, one instant) and who acts.
type prepareContext struct {
	now   time.Time
	actor string
}

// applyTx is one ApplyChanges transaction: the service, the caller's
// context and what the changes so far have looked up.
type applyTx struct {
	s       *Service
	ctx     context.Context
	tx      *boltstore.Tx
	tenants map[string]domain.Tenant
	// newKey is the key the current put generated, with its secret: it
	// goes to the change's result (ChangeResult.AccessKey) and nowhere else.
	newKey *domain.NewAccessKey
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
		if err := c.Check(); err != nil {
			return nil, err
		}
		h, ok := applyHandlers[c.Ref.Kind]
		if !ok { // a registered kind without a handler: a bug, not input
			return nil, fmt.Errorf("apply: no handler for kind %q", c.Ref.Kind)
		}
		handlers[i] = h
	}
	prepared := startPreparing(changes, handlers, prepareContext{now: s.clock(), actor: s.actorOf(ctx)})
	defer prepared.stop()
	results := make([]backend.ChangeResult, len(changes))
	err := s.update(func(tx *boltstore.Tx) error {
		tx.PackPages()
		a := &applyTx{s: s, ctx: ctx, tx: tx, tenants: map[string]domain.Tenant{}}
		for i, c := range changes {
			if i%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			var action backend.Action
			var err error
			a.newKey = nil
			if c.Op == backend.OpPut {
				action, err = handlers[i].put(a, c.Spec, prepared.get(i))
			} else {
				action, err = handlers[i].delete(a, c.Ref)
			}
			if err != nil {
				return changeError(c.Ref, err)
			}
			results[i] = backend.ChangeResult{Ref: c.Ref, Action: action, AccessKey: a.newKey}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// prepareBatch is how many changes a preparing goroutine takes at a time.
const prepareBatch = 256

// preparation runs the prepare steps of a call's puts on other goroutines,
// batch by batch in order, while the transaction consumes them.
type preparation struct {
	values []any
	done   []chan struct{} // closed when the batch is prepared
	quit   chan struct{}
}

// startPreparing starts preparing when the call is large enough to gain
// from it; nil otherwise (puts then do all the work themselves).
func startPreparing(changes []backend.Change, handlers []applyHandler, pc prepareContext) *preparation {
	if len(changes) < prepareBatch {
		return nil
	}
	batches := (len(changes) + prepareBatch - 1) / prepareBatch
	p := &preparation{values: make([]any, len(changes)), done: make([]chan struct{}, batches), quit: make(chan struct{})}
	queue := make(chan int, batches)
	for b := range batches {
		p.done[b] = make(chan struct{})
		queue <- b
	}
	close(queue)
	workers := min(max(runtime.GOMAXPROCS(0)-1, 1), batches)
	for range workers {
		go func() {
			for b := range queue {
				select {
				case <-p.quit:
					return
				default:
				}
				for i := b * prepareBatch; i < min((b+1)*prepareBatch, len(changes)); i++ {
					if c := changes[i]; c.Op == backend.OpPut && handlers[i].prepare != nil {
						p.values[i] = handlers[i].prepare(pc, c.Spec)
					}
				}
				close(p.done[b])
			}
		}()
	}
	return p
}

// get waits for change i to be prepared and returns what prepare gave.
func (p *preparation) get(i int) any {
	if p == nil {
		return nil
	}
	<-p.done[i/prepareBatch]
	return p.values[i]
}

// stop lets the preparing goroutines end early.
func (p *preparation) stop() {
	if p != nil {
		close(p.quit)
	}
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
