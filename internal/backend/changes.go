package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"

	"github.com/keyward/keyward/internal/domain"
)

// Changes applies declared object states in bulk: what `keyward apply`
// calls, one chunk of a plan at a time.
//
// # Kinds: the extension point
//
// A kind (Tenant, Policy, Group, KeyType, ServiceUser, AccessKey) is
// declared once, in its own file in this package (spec_<kind>.go): a Spec
// type whose JSON fields are the file format's camelCase fields, and a
// RegisterKind call giving its name, apply order, default state, and how to
// load the current objects through the Backend. Everything generic — the
// file reader with positions and unknown-field errors, plan and diff, dry
// run, prune, export, the JSON of Change — works from that registration.
// The service then registers how to write the kind
// (internal/service/apply_<kind>.go), and a kind may add cross-object checks
// that run before anything is written (internal/apply/check_<kind>.go).
// A spec that names other objects implements Referrer, so that apply checks
// they exist (or are declared) and that --prune keeps them; one that names
// objects of its own kind implements SameKindSplitter.
type Changes interface {
	// ApplyChanges performs changes in order, in one transaction: all of them
	// or, on error, none. The result has one entry per change, in order.
	//
	// OpPut creates the object when it is missing and otherwise sets the
	// fields its Spec gives (nil fields are left as they are); an object
	// already in the declared state is not written or audited (ActionUnchanged).
	// OpDelete deletes the object (ActionDelete) or reports ActionUnchanged
	// when it is already gone. Each object actually changed gets the audit
	// events of the single-object commands, and the same rules apply (limits,
	// uniqueness, reserved objects); an error names the object it refused.
	// At most MaxChangesPerCall changes per call (CodeInvalid beyond).
	//
	// An AccessKey put that generates the key returns it, with its secret,
	// in ChangeResult.AccessKey: the one time the secret is ever returned.
	// A put of an existing key never returns the secret, and an AccessKey
	// delete revokes the key.
	ApplyChanges(ctx context.Context, changes []Change) ([]ChangeResult, error)
}

// MaxChangesPerCall bounds one ApplyChanges call, and so one transaction.
const MaxChangesPerCall = 10000

// Op is what a Change does.
type Op string

// Change operations.
const (
	OpPut    Op = "put"
	OpDelete Op = "delete"
)

// Action is what happened (or, in a plan, would happen) to one object.
type Action string

// Actions, as plans and results name them.
const (
	ActionCreate    Action = "create"
	ActionUpdate    Action = "update"
	ActionUnchanged Action = "unchanged"
	ActionDelete    Action = "delete"
)

// Ref names one object: its kind, tenant (empty for tenants themselves) and id.
type Ref struct {
	Kind   string `json:"kind"`
	Tenant string `json:"tenant,omitempty"`
	ID     string `json:"id"`
}

// String is how messages name an object: "Tenant acme", "ServiceUser acme/ci-bot".
func (r Ref) String() string {
	if r.Tenant == "" {
		return r.Kind + " " + r.ID
	}
	return r.Kind + " " + r.Tenant + "/" + r.ID
}

// Change is one step of a plan. Spec is set for OpPut and nil for OpDelete.
// Its JSON is {"op","kind","tenant","id","spec"}; decoding looks the spec
// type up by kind.
type Change struct {
	Op   Op
	Ref  Ref
	Spec Spec
}

// Check refuses a change that cannot be applied whatever the current state:
// an unknown kind or operation, a put without a spec or whose spec names
// another object. ApplyChanges refuses the whole call, before writing, for
// any change Check refuses, and the server relies on that: it does not
// authorize such a call's changes.
func (c Change) Check() error {
	if _, known := LookupKind(c.Ref.Kind); !known {
		return domain.Invalid("kind", "%s: unknown kind %q", c.Ref, c.Ref.Kind)
	}
	switch c.Op {
	case OpPut:
		if c.Spec == nil {
			return domain.Invalid("spec", "%s: a put needs a spec", c.Ref)
		}
		if c.Spec.Ref() != c.Ref {
			return domain.Invalid("spec", "%s: the spec names %s", c.Ref, c.Spec.Ref())
		}
	case OpDelete:
	default:
		return domain.Invalid("op", "%s: unknown operation %q; use put or delete", c.Ref, c.Op)
	}
	return nil
}

// ChangeResult says what ApplyChanges did to one object.
type ChangeResult struct {
	Ref
	Action Action `json:"action"`
	// AccessKey is the key an AccessKey put generated, with its secret
	// (shown once); nil for every other change.
	AccessKey *domain.NewAccessKey `json:"accessKey,omitempty"`
}

// Spec is the declared state of one object: the fields a file gives. A nil
// pointer field is not declared; apply leaves it as it is (a new object
// takes its default).
type Spec interface {
	// Ref names the object.
	Ref() Ref
	// Validate checks the declared fields on their own, without knowing the
	// current state: what apply checks before writing anything. Errors are
	// CodeInvalid with Fields named by JSON path ("email", "settings.tokenTtl").
	Validate() error
	// Merge returns base — the complete spec of the current object, or the
	// kind's Default for a new one — with this spec's declared fields set,
	// checked as a whole and in canonical form (durations as "90d"). It
	// expects a spec that passed Validate.
	Merge(base Spec) (Spec, error)
}

// Kind describes one kind of object for apply and export.
type Kind struct {
	// Name is the `kind:` of the file format ("ServiceUser").
	Name string
	// Order sorts kinds for apply: lower first (tenants before the objects
	// in them); deletes run in the reverse order.
	Order int
	// Namespaced kinds live in a tenant; a spec without one takes the
	// command's tenant. Prune deletes only namespaced objects.
	Namespaced bool
	// New returns an empty spec to decode into.
	New func() Spec
	// Default returns the complete spec of a new object named ref.
	Default func(ref Ref) Spec
	// Builtin reports objects keyward creates itself (the default and system
	// tenants): never pruned, and exported only once changed.
	Builtin func(ref Ref) bool
	// Load returns the complete specs of the current objects of this kind in
	// tenant (every object for a kind that is not namespaced), by id. A
	// missing tenant or database gives none.
	Load func(ctx context.Context, b Backend, tenant string) ([]Spec, error)
}

// loadSpecs is a Kind's Load over the objects a tenant's list returned
// (objs, err): the specs (of) of those keep accepts (nil: all). A missing
// tenant or database gives none.
func loadSpecs[T any, S Spec](objs []T, err error, of func(T) S, keep func(T) bool) ([]Spec, error) {
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]Spec, 0, len(objs))
	for _, o := range objs {
		if keep == nil || keep(o) {
			out = append(out, of(o))
		}
	}
	return out, nil
}

var kinds = map[string]Kind{}

// RegisterKind adds a kind; each kind's file calls it from init.
func RegisterKind(k Kind) {
	if _, dup := kinds[k.Name]; dup {
		panic("backend: kind " + k.Name + " registered twice")
	}
	if k.Builtin == nil {
		k.Builtin = func(Ref) bool { return false }
	}
	kinds[k.Name] = k
}

// LookupKind returns the kind named name.
func LookupKind(name string) (Kind, bool) {
	k, ok := kinds[name]
	return k, ok
}

// Kinds returns every registered kind in apply order.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

type changeJSON struct {
	Op     Op              `json:"op"`
	Kind   string          `json:"kind"`
	Tenant string          `json:"tenant,omitempty"`
	ID     string          `json:"id"`
	Spec   json.RawMessage `json:"spec,omitempty"`
}

// MarshalJSON writes {"op","kind","tenant","id","spec"}.
func (c Change) MarshalJSON() ([]byte, error) {
	out := changeJSON{Op: c.Op, Kind: c.Ref.Kind, Tenant: c.Ref.Tenant, ID: c.Ref.ID}
	if c.Spec != nil {
		raw, err := json.Marshal(declaredListsNonNil(c.Spec))
		if err != nil {
			return nil, err
		}
		out.Spec = raw
	}
	return json.Marshal(out)
}

// declaredListsNonNil returns s, or a copy of it whose declared lists
// (non-nil pointers) that hold a nil slice hold an empty one instead: JSON
// writes a nil slice as null, which reads back as a list not declared, and
// an empty list declared ("no owners") must stay declared.
func declaredListsNonNil(s Spec) Spec {
	v := reflect.ValueOf(s)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return s
	}
	st := v.Elem()
	var out reflect.Value // the copy, made on the first nil list
	for i := range st.NumField() {
		f := st.Field(i)
		if f.Kind() != reflect.Pointer || f.IsNil() || f.Elem().Kind() != reflect.Slice || !f.Elem().IsNil() {
			continue
		}
		if !out.IsValid() {
			out = reflect.New(st.Type())
			out.Elem().Set(st)
		}
		empty := reflect.New(f.Elem().Type())
		empty.Elem().Set(reflect.MakeSlice(f.Elem().Type(), 0, 0))
		out.Elem().Field(i).Set(empty)
	}
	if !out.IsValid() {
		return s
	}
	return out.Interface().(Spec)
}

// UnmarshalJSON decodes a change, its spec by the registered kind.
// Decoding is strict: a member the change or its kind's spec has no field
// for (a typo such as "cidrAlowList") is refused as invalid input naming
// it, as a file's unknown field is — never silently ignored.
func (c *Change) UnmarshalJSON(raw []byte) error {
	var in changeJSON
	if err := decodeStrictJSON(raw, &in, "change"); err != nil {
		return err
	}
	*c = Change{Op: in.Op, Ref: Ref{Kind: in.Kind, Tenant: in.Tenant, ID: in.ID}}
	if len(in.Spec) == 0 || string(in.Spec) == "null" {
		return nil
	}
	k, ok := LookupKind(in.Kind)
	if !ok {
		return fmt.Errorf("unknown kind %q", in.Kind)
	}
	spec := k.New()
	if err := decodeStrictJSON(in.Spec, spec, c.Ref.String()); err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			return err
		}
		return fmt.Errorf("%s spec: %w", in.Kind, err)
	}
	c.Spec = spec
	return nil
}
