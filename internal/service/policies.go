package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func policyNotFound(tenant, name string) error {
	return domain.NotFound("policy %q not found in tenant %q", name, tenant).
		WithHint("see `keyward policy list -t %s`; names are case-sensitive", tenant)
}

// managedImmutable is the refusal to change a managed policy (exit 2); verb
// says what was refused ("updated", "renamed", "deleted").
func managedImmutable(name, verb string) error {
	err := domain.Invalid("name", "%q is a managed policy, which keyward maintains: it cannot be %s", name, verb)
	if verb == "deleted" {
		return err.WithHint("detach it with `keyward policy detach %s` instead", name)
	}
	return err.WithHint("start a custom policy from it: `keyward policy show %s --document | keyward policy create NAME -f -`", name)
}

// managedView is managed policy name as shown in tenant.
func managedView(tenant, name string) domain.Policy {
	doc, _ := authz.ManagedDocument(name)
	return domain.Policy{Name: name, Tenant: tenant, Managed: true, Description: doc.Description, Statements: fromStatements(doc.Statements)}
}

// requirePolicy returns policy name of tenant, managed or custom, or
// CodeNotFound (naming the tenant when that is what is missing).
func requirePolicy(tx *boltstore.Tx, tenant, name string) (domain.Policy, error) {
	if _, err := requireTenant(tx, tenant); err != nil {
		return domain.Policy{}, err
	}
	if authz.IsManaged(name) {
		return managedView(tenant, name), nil
	}
	rec, ok, err := tx.Policy(tenant, name)
	if err != nil {
		return domain.Policy{}, err
	}
	if !ok {
		return domain.Policy{}, policyNotFound(tenant, name)
	}
	return rec.Policy, nil
}

// requireCustomPolicy returns the stored record of custom policy name, or
// CodeInvalid for a managed name (verb says what was refused) or
// CodeNotFound.
func requireCustomPolicy(tx *boltstore.Tx, tenant, name, verb string) (boltstore.PolicyRecord, error) {
	if _, err := requireTenant(tx, tenant); err != nil {
		return boltstore.PolicyRecord{}, err
	}
	if authz.IsManaged(name) {
		return boltstore.PolicyRecord{}, managedImmutable(name, verb)
	}
	rec, ok, err := tx.Policy(tenant, name)
	if err != nil {
		return rec, err
	}
	if !ok {
		return rec, policyNotFound(tenant, name)
	}
	return rec, nil
}

// policyUses says who refers to a policy: users and groups holding it, key
// types using it as scope.
type policyUses struct{ users, groups, keyTypes []string }

// holders are the users and groups holding the policy, as targets.
func (u *policyUses) holders() []backend.PolicyTarget {
	out := make([]backend.PolicyTarget, 0, len(u.users)+len(u.groups))
	for _, id := range u.users {
		out = append(out, backend.PolicyTarget{User: id})
	}
	for _, name := range u.groups {
		out = append(out, backend.PolicyTarget{Group: name})
	}
	return out
}

// policyUsage indexes the references to every policy of tenant by name, in
// one pass over users, groups and key types.
func policyUsage(tx *boltstore.Tx, tenant string) (map[string]*policyUses, error) {
	uses := map[string]*policyUses{}
	of := func(name string) *policyUses {
		if uses[name] == nil {
			uses[name] = &policyUses{}
		}
		return uses[name]
	}
	if err := tx.ForEachUser(tenant, func(u domain.ServiceUser) error {
		for _, p := range u.Policies {
			of(p).users = append(of(p).users, u.ID)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := tx.ForEachGroup(tenant, func(g domain.Group) error {
		for _, p := range g.Policies {
			of(p).groups = append(of(p).groups, g.Name)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	err := tx.ForEachKeyType(tenant, func(k domain.KeyType) error {
		of(k.Scope).keyTypes = append(of(k.Scope).keyTypes, k.Name)
		return nil
	})
	return uses, err
}

// withUsage fills p's derived fields from uses.
func withUsage(p domain.Policy, uses map[string]*policyUses) domain.Policy {
	if u := uses[p.Name]; u != nil {
		p.AttachedUsers, p.AttachedGroups, p.KeyTypes = u.users, u.groups, u.keyTypes
	}
	p.Normalize()
	return p
}

// policyWithUsage is p with its derived fields, read in tx.
func policyWithUsage(tx *boltstore.Tx, p domain.Policy) (domain.Policy, error) {
	uses, err := policyUsage(tx, p.Tenant)
	if err != nil {
		return p, err
	}
	return withUsage(p, uses), nil
}

// CreatePolicy implements backend.Policies.
func (s *Service) CreatePolicy(ctx context.Context, tenant string, in backend.CreatePolicyInput) (domain.Policy, bool, error) {
	var (
		out     domain.Policy
		created bool
	)
	err := s.update(func(tx *boltstore.Tx) error {
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		if authz.IsManaged(in.Name) {
			return managedImmutable(in.Name, "created or replaced")
		}
		compiled, err := authz.Compile(tenant, in.Name, toDocument(in.Description, in.Statements))
		if err != nil {
			return err
		}
		if existing, ok, err := tx.Policy(tenant, in.Name); err != nil {
			return err
		} else if ok {
			if in.IfNotExists {
				out, err = policyWithUsage(tx, existing.Policy)
				return err
			}
			return domain.Conflict("policy %q already exists in tenant %q", in.Name, tenant).
				WithHint("change it with `keyward policy update %s`", in.Name)
		}
		out, err = s.insertPolicy(ctx, tx, tenant, compiled)
		created = err == nil
		return err
	})
	return out, created, err
}

// insertPolicy stores a new custom policy of tenant, compiled (its name
// checked free), audited as policy:create.
func (s *Service) insertPolicy(ctx context.Context, tx *boltstore.Tx, tenant string, compiled *authz.Policy) (domain.Policy, error) {
	rev, err := authzChanged(tx)
	if err != nil {
		return domain.Policy{}, err
	}
	now, actor := s.clock(), s.actorOf(ctx)
	doc := compiled.Document()
	rec := boltstore.PolicyRecord{Revision: rev, Policy: domain.Policy{
		Name: compiled.Name(), Tenant: tenant, Description: doc.Description, Statements: fromStatements(doc.Statements),
		Version: 1, CreatedAt: &now, CreatedBy: &actor, UpdatedAt: &now,
	}}
	if err := tx.PutPolicy(rec); err != nil {
		return domain.Policy{}, err
	}
	out := rec.Policy
	out.Normalize()
	return out, s.audit(ctx, tx, tenant, "policy:create", authz.PolicyResource(tenant, compiled.Name()))
}

// ListPolicies implements backend.Policies.
func (s *Service) ListPolicies(ctx context.Context, tenant string) ([]domain.Policy, error) {
	out := []domain.Policy{}
	err := s.view(func(tx *boltstore.Tx) error {
		if !tx.Initialized() {
			// Nothing written yet: only the managed policies, which exist
			// in every tenant.
			for _, name := range authz.ManagedPolicyNames() {
				p := managedView(tenant, name)
				p.Normalize()
				out = append(out, p)
			}
			return nil
		}
		if _, err := requireTenant(tx, tenant); err != nil {
			return err
		}
		uses, err := policyUsage(tx, tenant)
		if err != nil {
			return err
		}
		for _, name := range authz.ManagedPolicyNames() {
			out = append(out, withUsage(managedView(tenant, name), uses))
		}
		return tx.ForEachPolicy(tenant, func(rec boltstore.PolicyRecord) error {
			out = append(out, withUsage(rec.Policy, uses))
			return nil
		})
	})
	return out, err
}

// GetPolicy implements backend.Policies.
func (s *Service) GetPolicy(ctx context.Context, tenant, name string) (domain.Policy, error) {
	var out domain.Policy
	err := s.view(func(tx *boltstore.Tx) error {
		if !tx.Initialized() && authz.IsManaged(name) {
			out = managedView(tenant, name)
			out.Normalize()
			return nil
		}
		p, err := requirePolicy(tx, tenant, name)
		if err != nil {
			return err
		}
		out, err = policyWithUsage(tx, p)
		return err
	})
	return out, err
}

// UpdatePolicy implements backend.Policies.
func (s *Service) UpdatePolicy(ctx context.Context, tenant, name string, in backend.UpdatePolicyInput) (domain.Policy, error) {
	var out domain.Policy
	err := s.update(func(tx *boltstore.Tx) error {
		verb := "updated"
		if in.Name != nil && *in.Name != name {
			verb = "renamed"
		}
		rec, err := requireCustomPolicy(tx, tenant, name, verb)
		if err != nil {
			return err
		}
		newName := name
		if in.Name != nil {
			newName = *in.Name
		}
		description, statements := rec.Description, rec.Statements
		if in.Description != nil {
			description = *in.Description
		}
		if in.Statements != nil {
			statements = *in.Statements
		}
		compiled, err := authz.Compile(tenant, newName, toDocument(description, statements))
		if err != nil {
			return err
		}
		renamed := newName != name
		if renamed {
			if _, taken, err := tx.Policy(tenant, newName); err != nil {
				return err
			} else if taken {
				return domain.Conflict("cannot rename policy %q to %q: a policy %q already exists in tenant %q", name, newName, newName, tenant)
			}
			if err := s.renamePolicyReferences(tx, tenant, name, newName); err != nil {
				return err
			}
			if err := tx.DeletePolicy(tenant, name); err != nil {
				return err
			}
		}
		detail := ""
		if renamed {
			detail = fmt.Sprintf("renamed from %q", name)
		}
		if rec, err = s.storePolicy(ctx, tx, rec, compiled, detail); err != nil {
			return err
		}
		out, err = policyWithUsage(tx, rec.Policy)
		return err
	})
	return out, err
}

// storePolicy stores rec with the name and document of compiled as its
// next version, audited as policy:update with detail.
func (s *Service) storePolicy(ctx context.Context, tx *boltstore.Tx, rec boltstore.PolicyRecord, compiled *authz.Policy, detail string) (boltstore.PolicyRecord, error) {
	rev, err := authzChanged(tx)
	if err != nil {
		return rec, err
	}
	now := s.clock()
	doc := compiled.Document()
	rec.Revision, rec.Name, rec.Description, rec.Statements = rev, compiled.Name(), doc.Description, fromStatements(doc.Statements)
	rec.Version++
	rec.UpdatedAt = &now
	if err := tx.PutPolicy(rec); err != nil {
		return rec, err
	}
	return rec, s.auditDetail(ctx, tx, rec.Tenant, "policy:update", authz.PolicyResource(rec.Tenant, rec.Name), detail)
}

// renamePolicyReferences points every user, group and key type holding
// policy from at policy to instead.
func (s *Service) renamePolicyReferences(tx *boltstore.Tx, tenant, from, to string) error {
	uses, err := policyUsage(tx, tenant)
	if err != nil || uses[from] == nil {
		return err
	}
	for _, holder := range uses[from].holders() {
		if _, err := s.editHeldPolicies(tx, tenant, holder, func(names []string) []string { return renamed(names, from, to) }); err != nil {
			return err
		}
	}
	now := s.clock()
	for _, name := range uses[from].keyTypes {
		k, _, err := tx.KeyType(tenant, name)
		if err != nil {
			return err
		}
		k.Scope, k.UpdatedAt = to, now
		if err := tx.PutKeyType(k); err != nil {
			return err
		}
	}
	return nil
}

// renamed returns the sorted names with from replaced by to.
func renamed(names []string, from, to string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n == from {
			n = to
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// DeletePolicy implements backend.Policies.
func (s *Service) DeletePolicy(ctx context.Context, tenant, name string, opts backend.DeletePolicyOptions) error {
	return s.update(func(tx *boltstore.Tx) error {
		if _, err := requireCustomPolicy(tx, tenant, name, "deleted"); err != nil {
			return err
		}
		return s.removePolicy(ctx, tx, tenant, name, opts.Force)
	})
}

// removePolicy deletes custom policy name of tenant, which exists, audited
// as policy:delete. A policy attached to users or groups needs force,
// which detaches it first; one that is a key type's scope is refused.
func (s *Service) removePolicy(ctx context.Context, tx *boltstore.Tx, tenant, name string, force bool) error {
	uses, err := policyUsage(tx, tenant)
	if err != nil {
		return err
	}
	use := uses[name]
	if use == nil {
		use = &policyUses{}
	}
	if len(use.keyTypes) > 0 {
		return domain.Conflict("policy %q is the scope of key type %s; it cannot be deleted while used",
			name, strings.Join(quoted(use.keyTypes), ", ")).
			WithHint("change the key type's scope with `keyward keytype update --scope`, or delete the key type")
	}
	if n := len(use.users) + len(use.groups); n > 0 && !force {
		return domain.Conflict("policy %q is attached to %s", name, attachmentSummary(use.users, use.groups)).
			WithHint("pass --force to detach it everywhere and delete it")
	}
	if _, err := authzChanged(tx); err != nil {
		return err
	}
	for _, holder := range use.holders() {
		if _, err := s.detachFrom(ctx, tx, tenant, name, holder); err != nil {
			return err
		}
	}
	if err := tx.DeletePolicy(tenant, name); err != nil {
		return err
	}
	return s.audit(ctx, tx, tenant, "policy:delete", authz.PolicyResource(tenant, name))
}

// attachmentSummary says "2 service users (a, b) and 1 group (ops)".
func attachmentSummary(users, groups []string) string {
	var parts []string
	if len(users) > 0 {
		parts = append(parts, fmt.Sprintf("%s (%s)", plural(len(users), "service user"), strings.Join(users, ", ")))
	}
	if len(groups) > 0 {
		parts = append(parts, fmt.Sprintf("%s (%s)", plural(len(groups), "group"), strings.Join(groups, ", ")))
	}
	return strings.Join(parts, " and ")
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%q", n)
	}
	return out
}

// checkTarget validates a PolicyTarget: exactly one of user and group.
func checkTarget(t backend.PolicyTarget) error {
	if (t.User == "") == (t.Group == "") {
		return domain.Invalid("target", "give exactly one of a service user and a group")
	}
	return nil
}

// AttachPolicy implements backend.Policies.
func (s *Service) AttachPolicy(ctx context.Context, tenant, name string, to backend.PolicyTarget) (domain.Policy, bool, error) {
	return s.changeHolder(ctx, tenant, name, to, s.attachTo)
}

// DetachPolicy implements backend.Policies.
func (s *Service) DetachPolicy(ctx context.Context, tenant, name string, from backend.PolicyTarget) (domain.Policy, bool, error) {
	return s.changeHolder(ctx, tenant, name, from, s.detachFrom)
}

// changeHolder attaches or detaches (change: attachTo or detachFrom)
// policy name of tenant to or from target in one transaction, and bumps the
// authorization generation when that changed anything.
func (s *Service) changeHolder(ctx context.Context, tenant, name string, target backend.PolicyTarget,
	change func(context.Context, *boltstore.Tx, string, string, backend.PolicyTarget) (bool, error)) (domain.Policy, bool, error) {
	if err := checkTarget(target); err != nil {
		return domain.Policy{}, false, err
	}
	var (
		out     domain.Policy
		changed bool
	)
	err := s.update(func(tx *boltstore.Tx) error {
		p, err := requirePolicy(tx, tenant, name)
		if err != nil {
			return err
		}
		if changed, err = change(ctx, tx, tenant, name, target); err != nil {
			return err
		}
		if changed {
			if _, err := authzChanged(tx); err != nil {
				return err
			}
		}
		out, err = policyWithUsage(tx, p)
		return err
	})
	return out, changed, err
}

// attachTo adds policy to the policies of target (which must exist),
// audited; false when it was there already.
func (s *Service) attachTo(ctx context.Context, tx *boltstore.Tx, tenant, policy string, target backend.PolicyTarget) (bool, error) {
	changed, err := s.editHeldPolicies(tx, tenant, target, func(names []string) []string {
		out, _ := withName(names, policy)
		return out
	})
	if err != nil || !changed {
		return false, err
	}
	return true, s.auditDetail(ctx, tx, tenant, "policy:attach", authz.PolicyResource(tenant, policy), holderResource(tenant, target))
}

// detachFrom removes policy from the policies of target (which must
// exist), audited; false when target did not hold it.
func (s *Service) detachFrom(ctx context.Context, tx *boltstore.Tx, tenant, policy string, target backend.PolicyTarget) (bool, error) {
	changed, err := s.editHeldPolicies(tx, tenant, target, func(names []string) []string { return without(names, policy) })
	if err != nil || !changed {
		return false, err
	}
	return true, s.auditDetail(ctx, tx, tenant, "policy:detach", authz.PolicyResource(tenant, policy), holderResource(tenant, target))
}

// editHeldPolicies sets the policies of target, a user or a group that must
// exist, to edit(its policies) and reports whether that changed them;
// unchanged, nothing is written.
func (s *Service) editHeldPolicies(tx *boltstore.Tx, tenant string, target backend.PolicyTarget, edit func([]string) []string) (bool, error) {
	if target.User != "" {
		u, err := requireUser(tx, tenant, target.User)
		if err != nil {
			return false, err
		}
		next := edit(u.Policies)
		if slices.Equal(next, u.Policies) {
			return false, nil
		}
		u.Policies, u.UpdatedAt = next, s.clock()
		return true, tx.PutUser(u)
	}
	g, err := requireGroup(tx, tenant, target.Group)
	if err != nil {
		return false, err
	}
	next := edit(g.Policies)
	if slices.Equal(next, g.Policies) {
		return false, nil
	}
	g.Policies, g.UpdatedAt = next, s.clock()
	return true, tx.PutGroup(g)
}

// holderResource is the resource name of target, a user or a group.
func holderResource(tenant string, target backend.PolicyTarget) string {
	if target.User != "" {
		return authz.ServiceUserResource(tenant, target.User)
	}
	return authz.GroupResource(tenant, target.Group)
}

// withName returns names with name added, sorted, and whether it was added.
func withName(names []string, name string) ([]string, bool) {
	if slices.Contains(names, name) {
		return names, false
	}
	out := append(append([]string{}, names...), name)
	slices.Sort(out)
	return out, true
}

// without returns names without name.
func without(names []string, name string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n != name {
			out = append(out, n)
		}
	}
	return out
}
