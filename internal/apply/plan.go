package apply

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/manifest"
)

// Entry is one step of a plan.
type Entry struct {
	Action backend.Action
	Ref    backend.Ref
	// Spec is the object as declared, for creates and updates; nil for
	// unchanged objects and deletes.
	Spec backend.Spec
	// Changes are the fields an update changes.
	Changes []backend.FieldChange
	// Pos is where the object is declared; zero for deletes.
	Pos manifest.Position
}

// actionFollowUp is the action of a plan's follow-up entries: the part of
// a declared object that names objects of its own kind declared further
// down the file (a service user's owners), applied once every object is in
// place. The object's own entry lacks that part but is the one counted and
// reported, with every change (a create's Changes then list every field),
// so follow-ups are neither, and Each does not pass them.
const actionFollowUp backend.Action = "follow-up"

// Counts count plan entries by action.
type Counts struct {
	Create    int `json:"create"`
	Update    int `json:"update"`
	Delete    int `json:"delete"`
	Unchanged int `json:"unchanged"`
}

func (c *Counts) add(a backend.Action, n int) {
	switch a {
	case backend.ActionCreate:
		c.Create += n
	case backend.ActionUpdate:
		c.Update += n
	case backend.ActionDelete:
		c.Delete += n
	default:
		c.Unchanged += n
	}
}

// Changes is the number of entries that change something.
func (c Counts) Changes() int { return c.Create + c.Update + c.Delete }

// Plan is a validated input compared with the current state: what Execute
// will do. It can be read (Each) any number of times before Execute, which
// consumes it. Close it when done.
type Plan struct {
	Source string
	Counts Counts
	// SecretDir is the directory relative secretFile paths are in: the
	// input file's, or "" (the working directory) for stdin.
	SecretDir string
	spools    map[string]*spool
	// followUps run after every kind's entries and before the deletes.
	followUps *spool
	// followUpParts counts the actionFollowUp entries among them.
	followUpParts int
	deletes       []Entry
	consumed      bool
}

// Deletes are the objects --prune would delete, in the order they would be.
func (p *Plan) Deletes() []Entry { return p.deletes }

// Each calls fn for every entry in apply order: each kind in its
// registered order, objects of a kind in input order, then the objects
// whose changes name objects of their own kind declared further down the
// file, then the deletes. Follow-up entries are not passed.
func (p *Plan) Each(fn func(Entry) error) error {
	return p.each(func(e Entry) error {
		if e.Action == actionFollowUp {
			return nil
		}
		return fn(e)
	}, false)
}

// each is Each with the follow-up entries; with consume, entries are let
// go of as they are passed (Execute: a plan of any size is applied in
// bounded memory), and the plan cannot be read again.
func (p *Plan) each(fn func(Entry) error, consume bool) error {
	if p.consumed {
		return errors.New("apply: the plan was already executed")
	}
	p.consumed = consume
	for _, k := range backend.Kinds() {
		if s := p.spools[k.Name]; s != nil {
			if err := s.each(fn, consume); err != nil {
				return err
			}
		}
	}
	if p.followUps != nil {
		if err := p.followUps.each(fn, consume); err != nil {
			return err
		}
	}
	for _, e := range p.deletes {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the spooled plan.
func (p *Plan) Close() error {
	var errs []error
	for _, s := range p.spools {
		errs = append(errs, s.close())
	}
	if p.followUps != nil {
		errs = append(errs, p.followUps.close())
	}
	return errors.Join(errs...)
}

// InvalidError is an input refused in pass 1: every problem found, in
// input order. Nothing was written.
type InvalidError struct {
	Source   string
	Objects  int
	Problems []manifest.Problem
}

func (e *InvalidError) Error() string {
	objects := map[string]bool{} // by position, or by name for objects the input does not declare
	for _, p := range e.Problems {
		if p.Pos.Document == 0 {
			objects[p.Object] = true
		} else {
			objects[manifest.Position{Document: p.Pos.Document, Item: p.Pos.Item}.String()] = true
		}
	}
	return fmt.Sprintf("%s: %s in %s; nothing was applied", e.Source,
		plural(len(e.Problems), "problem"), plural(len(objects), "object"))
}

// Unwrap gives the invalid-input error (exit 2) whose fields are the problems.
func (e *InvalidError) Unwrap() error {
	fields := make(map[string]string, len(e.Problems))
	for _, p := range e.Problems {
		msg := p.Message
		if p.Object != "" {
			msg = p.Object + ": " + msg
		}
		fields[p.Key()] = msg
	}
	return &domain.Error{Code: domain.CodeInvalid, Message: e.Error(), Fields: fields}
}

// BuildOptions tune Build.
type BuildOptions struct {
	// DefaultTenant is the tenant of namespaced objects that name none.
	DefaultTenant string
	// Prune plans deletes: objects of the kinds the input lists, in the
	// tenants it mentions, that it does not declare. Builtin objects and
	// tenants themselves are never pruned.
	Prune bool
	// SpoolInMemory bounds the entries kept in memory per kind (default
	// DefaultSpoolInMemory); the rest go to a temporary file.
	SpoolInMemory int
	// Progress, when set, is called now and then with the input bytes read
	// and the objects planned so far.
	Progress func(bytesRead int64, objects int)
	// SecretDir is the directory relative secretFile paths of access keys
	// are in (Plan.SecretDir): the input file's; "" for stdin.
	SecretDir string
	// SecretsNeedFile refuses an access key that would be generated
	// without a secretFile: the output shows no secrets (-q).
	SecretsNeedFile bool
}

// Build reads and validates all of src and plans it against the current
// state (pass 1). An input with problems gives an *InvalidError listing all
// of them.
func Build(ctx context.Context, b backend.Backend, src manifest.Source, opts BuildOptions) (*Plan, error) {
	if opts.SpoolInMemory <= 0 {
		opts.SpoolInMemory = DefaultSpoolInMemory
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pl := newPlanner(ctx, b, src.Name, opts)
	var bytesRead atomic.Int64 // written by the reader, read here
	batches := make(chan []manifest.Decoded, 8)
	readErr := make(chan error, 1)
	go func() {
		readErr <- manifest.Read(ctx, src, manifest.ReadOptions{
			DefaultTenant: opts.DefaultTenant,
			Progress:      bytesRead.Store,
		}, batches)
	}()
	var planErr error
	for batch := range batches {
		if planErr != nil {
			continue // drain so the reader can finish
		}
		for _, d := range batch {
			if planErr = pl.add(d); planErr != nil {
				cancel()
				break
			}
		}
		if opts.Progress != nil {
			opts.Progress(bytesRead.Load(), pl.objects)
		}
	}
	if err := <-readErr; err != nil && planErr == nil {
		planErr = err
	}
	if planErr == nil {
		planErr = pl.finish()
	}
	if planErr != nil {
		pl.plan.Close()
		return nil, planErr
	}
	return pl.plan, nil
}

type kindTenant struct{ kind, tenant string }

// mention is the first object naming a tenant.
type mention struct {
	pos manifest.Position
	by  backend.Ref
}

// planner is the state of pass 1.
type planner struct {
	ctx    context.Context
	b      backend.Backend
	source string
	opts   BuildOptions
	plan   *Plan

	objects  int
	problems []manifest.Problem
	// seen maps every declared object to its position (duplicates, prune).
	seen map[kindTenant]map[string]manifest.Position
	// current holds the current objects, loaded once per kind and tenant.
	// Objects of namespaced kinds leave it once the input declares them:
	// what is left at the end is what the input does not declare, and
	// memory is not spent twice on objects the input repeats.
	current map[kindTenant]map[string]backend.Spec
	// mentioned are the tenants namespaced objects name, with the first one.
	mentioned map[string]mention
	// declared are the tenants the input declares, merged onto the current.
	declared map[string]*backend.TenantSpec
	kinds    map[string]bool
	checks   map[string]check
	// refs are the references of the objects planned, checked at finish.
	refs []refUse
	// tenantIDs interns the tenant ids of the input.
	tenantIDs map[string]string
}

func newPlanner(ctx context.Context, b backend.Backend, source string, opts BuildOptions) *planner {
	return &planner{
		ctx: ctx, b: b, source: source, opts: opts,
		plan:      &Plan{Source: source, SecretDir: opts.SecretDir, spools: map[string]*spool{}},
		seen:      map[kindTenant]map[string]manifest.Position{},
		current:   map[kindTenant]map[string]backend.Spec{},
		mentioned: map[string]mention{},
		declared:  map[string]*backend.TenantSpec{},
		kinds:     map[string]bool{},
		checks:    map[string]check{},
		tenantIDs: map[string]string{},
	}
}

// add plans one decoded object.
func (pl *planner) add(d manifest.Decoded) error {
	pl.objects++
	pl.problems = append(pl.problems, d.Problems...)
	if d.Spec == nil {
		return nil
	}
	ref := d.Spec.Ref()
	kind, _ := backend.LookupKind(ref.Kind)
	key := kindTenant{ref.Kind, ref.Tenant}
	ids := pl.seen[key]
	if ids == nil {
		ids = map[string]manifest.Position{}
		pl.seen[key] = ids
	}
	if first, dup := ids[ref.ID]; dup {
		pl.problem(d.Pos, ref, "id", "declared twice; first in %s (line %d)", first, first.Line)
		return nil
	}
	// Copies: ids and tenants are slices of their document's text, which
	// the map and the plan entry (of an unchanged object: nothing else of
	// the document) would otherwise keep alive.
	ref.ID = strings.Clone(ref.ID)
	ref.Tenant = pl.intern(ref.Tenant)
	ids[ref.ID] = d.Pos
	pl.kinds[ref.Kind] = true
	if kind.Namespaced {
		if _, ok := pl.mentioned[ref.Tenant]; !ok {
			pos := d.Pos
			pos.Line = max(manifest.FieldLine(d.Node, "tenant"), d.Pos.Line)
			pl.mentioned[ref.Tenant] = mention{pos, ref}
		}
	}
	if len(d.Problems) > 0 {
		return nil
	}
	current, err := pl.currentOf(kind, ref.Tenant)
	if err != nil {
		return err
	}
	cur := current[ref.ID]
	base := cur
	if base == nil {
		base = kind.Default(ref)
	}
	merged, err := d.Spec.Merge(base)
	if err != nil {
		pl.problems = append(pl.problems, manifest.FieldProblems(pl.source, d.Node, d.Pos, ref.String(), err)...)
		return nil
	}
	if t, ok := merged.(*backend.TenantSpec); ok {
		pl.declared[t.ID] = t
	}
	e := Entry{Action: backend.ActionCreate, Ref: ref, Spec: d.Spec, Pos: d.Pos}
	if cur != nil {
		e.Changes = backend.DiffSpecs(cur, merged)
		e.Action = backend.ActionUnchanged
		if len(e.Changes) > 0 {
			e.Action = backend.ActionUpdate
		}
	}
	if e.Action == backend.ActionUnchanged {
		e.Spec = nil // nothing to send: keep the plan small
	}
	if kind.Namespaced {
		delete(current, ref.ID)
	}
	if newCheck := checks[ref.Kind]; newCheck != nil {
		c := pl.checks[ref.Kind]
		if c == nil {
			c = newCheck()
			pl.checks[ref.Kind] = c
		}
		c.observe(observed{declared: d.Spec, merged: merged, current: cur, pos: d.Pos, node: d.Node})
	}
	pl.observeRefs(d, ref, merged)
	if e.Spec != nil {
		if later, whole := pl.splitForward(&e, merged); whole {
			return pl.spoolFollowUp(e)
		} else if later != nil {
			if err := pl.spool(e); err != nil {
				return err
			}
			return pl.spoolFollowUp(Entry{Action: actionFollowUp, Ref: ref, Spec: later, Pos: d.Pos})
		}
	}
	return pl.spool(e)
}

// splitForward handles an entry whose declared object names objects of
// its own kind that do not exist yet and come further down the file (or
// form a cycle): it takes that part out of e.Spec and returns it, to be
// applied by a follow-up; or, when that part is all the entry changes,
// reports whole: the entry as a whole waits for the follow-ups. merged is
// the object as it will be.
func (pl *planner) splitForward(e *Entry, merged backend.Spec) (later backend.Spec, whole bool) {
	splitter, ok := e.Spec.(backend.SameKindSplitter)
	if !ok {
		return nil, false
	}
	now, later := splitter.SplitSameKind(pl.pending)
	if later == nil {
		return nil, false
	}
	if e.Action == backend.ActionUpdate && onlyFields(e.Changes, backend.DeclaredPaths(later)) {
		return nil, true
	}
	if e.Action == backend.ActionCreate {
		kind, _ := backend.LookupKind(e.Ref.Kind)
		e.Changes = backend.DiffSpecs(kind.New(), merged) // every field, the later part too
	}
	e.Spec = now
	return later, false
}

// onlyFields reports whether every change is of one of fields (top-level
// names).
func onlyFields(changes []backend.FieldChange, fields map[string]bool) bool {
	for _, c := range changes {
		if !fields[topField(c.Field)] {
			return false
		}
	}
	return true
}

// pending reports whether ref, an object a spec names, is neither declared
// earlier in the input nor exists now: it is not there in the naming
// object's turn.
func (pl *planner) pending(ref backend.Ref) bool {
	if _, declared := pl.seen[kindTenant{ref.Kind, ref.Tenant}][ref.ID]; declared {
		return false
	}
	return pl.current[kindTenant{ref.Kind, ref.Tenant}][ref.ID] == nil
}

// intern returns the one copy of a tenant id the planner keeps.
func (pl *planner) intern(tenant string) string {
	if t, ok := pl.tenantIDs[tenant]; ok {
		return t
	}
	t := strings.Clone(tenant)
	pl.tenantIDs[t] = t
	return t
}

func (pl *planner) spool(e Entry) error {
	s := pl.plan.spools[e.Ref.Kind]
	if s == nil {
		s = newSpool(pl.opts.SpoolInMemory)
		pl.plan.spools[e.Ref.Kind] = s
	}
	pl.plan.Counts.add(e.Action, 1)
	return s.add(e)
}

// spoolFollowUp adds an entry to run after every kind's: a follow-up
// (actionFollowUp), or a whole entry.
func (pl *planner) spoolFollowUp(e Entry) error {
	if pl.plan.followUps == nil {
		pl.plan.followUps = newSpool(pl.opts.SpoolInMemory)
	}
	if e.Action == actionFollowUp {
		pl.plan.followUpParts++
	} else {
		pl.plan.Counts.add(e.Action, 1)
	}
	return pl.plan.followUps.add(e)
}

func (pl *planner) problem(pos manifest.Position, ref backend.Ref, field, format string, args ...any) {
	pl.problems = append(pl.problems, manifest.Problem{Source: pl.source, Pos: pos, Object: ref.String(), Field: field, Message: fmt.Sprintf(format, args...)})
}

// currentOf returns the current objects of kind in tenant, loading them once.
func (pl *planner) currentOf(kind backend.Kind, tenant string) (map[string]backend.Spec, error) {
	if !kind.Namespaced {
		tenant = ""
	}
	key := kindTenant{kind.Name, tenant}
	if m, ok := pl.current[key]; ok {
		return m, nil
	}
	m := map[string]backend.Spec{}
	if kind.Namespaced {
		// A tenant that does not exist yet has no objects.
		tenants, err := pl.currentOf(mustKind(backend.KindTenant), "")
		if err != nil {
			return nil, err
		}
		if tenants[tenant] == nil {
			pl.current[key] = m
			return m, nil
		}
	}
	specs, err := kind.Load(pl.ctx, pl.b, tenant)
	if err != nil {
		return nil, fmt.Errorf("read the current %s objects: %w", kind.Name, err)
	}
	for _, s := range specs {
		m[s.Ref().ID] = s
	}
	pl.current[key] = m
	return m, nil
}

// finish runs the checks that need the whole input and plans the deletes.
func (pl *planner) finish() error {
	tenants, err := pl.currentOf(mustKind(backend.KindTenant), "")
	if err != nil {
		return err
	}
	for id, m := range pl.mentioned {
		if tenants[id] == nil && pl.declared[id] == nil && !pl.declaredInvalid(id) {
			pl.problems = append(pl.problems, manifest.Problem{Source: pl.source, Pos: m.pos, Object: m.by.String(), Field: "tenant",
				Message: fmt.Sprintf("tenant %q does not exist; declare it with a Tenant object in the file or create it first", id)})
		}
	}
	if err := pl.checkRefs(); err != nil {
		return err
	}
	view := &planView{pl: pl}
	for _, kind := range backend.Kinds() {
		if c := pl.checks[kind.Name]; c != nil {
			problems, err := c.finish(view)
			if err != nil {
				return err
			}
			pl.problems = append(pl.problems, problems...)
		}
	}
	if len(pl.problems) > 0 {
		sort.SliceStable(pl.problems, func(i, j int) bool { return positionLess(pl.problems[i].Pos, pl.problems[j].Pos) })
		return &InvalidError{Source: pl.source, Objects: pl.objects, Problems: pl.problems}
	}
	if pl.opts.Prune {
		return pl.planDeletes()
	}
	return nil
}

// declaredInvalid reports whether the input declares tenant id but the
// declaration has problems (already reported).
func (pl *planner) declaredInvalid(id string) bool {
	_, ok := pl.seen[kindTenant{backend.KindTenant, ""}][id]
	return ok
}

// planDeletes lists, for every namespaced kind the input has and every
// tenant it mentions or declares, the current objects it does not declare.
func (pl *planner) planDeletes() error {
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
	kinds := backend.Kinds()
	for i := len(kinds) - 1; i >= 0; i-- {
		kind := kinds[i]
		if !kind.Namespaced || !pl.kinds[kind.Name] {
			continue
		}
		for _, tenant := range tenants {
			current, err := pl.currentOf(kind, tenant)
			if err != nil {
				return err
			}
			var ids []string
			for id := range current { // what the input does not declare
				if !kind.Builtin(backend.Ref{Kind: kind.Name, Tenant: tenant, ID: id}) {
					ids = append(ids, id)
				}
			}
			sort.Strings(ids)
			for _, id := range ids {
				pl.plan.deletes = append(pl.plan.deletes, Entry{Action: backend.ActionDelete, Ref: backend.Ref{Kind: kind.Name, Tenant: tenant, ID: id}})
			}
		}
	}
	pl.plan.Counts.add(backend.ActionDelete, len(pl.plan.deletes))
	return nil
}

func positionLess(a, b manifest.Position) bool {
	if a.Document != b.Document {
		return a.Document < b.Document
	}
	if a.Item != b.Item {
		return a.Item < b.Item
	}
	return a.Line < b.Line
}

func mustKind(name string) backend.Kind {
	k, ok := backend.LookupKind(name)
	if !ok {
		panic("apply: kind " + name + " is not registered")
	}
	return k
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Describe names the deletes for a confirmation: "3 service users (acme/a, acme/b, acme/c)".
func Describe(entries []Entry) string {
	byKind := map[string][]string{}
	var order []string
	for _, e := range entries {
		if _, ok := byKind[e.Ref.Kind]; !ok {
			order = append(order, e.Ref.Kind)
		}
		name := e.Ref.ID
		if e.Ref.Tenant != "" {
			name = e.Ref.Tenant + "/" + e.Ref.ID
		}
		byKind[e.Ref.Kind] = append(byKind[e.Ref.Kind], name)
	}
	var parts []string
	for _, kind := range order {
		names := byKind[kind]
		shown := names
		if len(shown) > 5 {
			shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(names)-5))
		}
		parts = append(parts, fmt.Sprintf("%d %s (%s)", len(names), pluralKind(len(names), kind), strings.Join(shown, ", ")))
	}
	return strings.Join(parts, ", ")
}

func pluralKind(n int, kind string) string {
	if n == 1 {
		return kind
	}
	return kind + "s"
}
