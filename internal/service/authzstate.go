package service

import (
	"context"
	"sync"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// Authorization state: looking up policies (managed or stored), compiling
// them once, building a user's principal, and the generation counter that
// tells caches when any of it changed.

// authzChanged bumps the authorization generation in tx (see
// boltstore.Tx.AuthzGeneration); every mutation that changes what some
// principal may do calls it once, and stores the returned value as the
// revision of a policy it writes.
func authzChanged(tx *boltstore.Tx) (uint64, error) { return tx.BumpAuthzGeneration() }

// AuthzGeneration returns the database's authorization generation: it
// changes in every transaction that writes a policy, an attachment, a group
// or membership, an owner, a key type, or creates or deletes a user or
// tenant. A cache of anything derived from those (principals, ownership) is
// valid while the generation it was built at is current. Reading it is one
// read transaction.
func (s *Service) AuthzGeneration(ctx context.Context) (uint64, error) {
	var gen uint64
	err := s.view(func(tx *boltstore.Tx) error {
		gen = tx.AuthzGeneration()
		return nil
	})
	return gen, err
}

// Principal returns what service user user of tenant may do — the union of
// its own and its groups' policies, compiled — limited, when keyType is not
// empty, to the scope of that key type (a key type that no longer exists
// allows nothing). It also returns the generation the principal was built
// at. The result is cached per (tenant, user, keyType) until the generation
// changes, so a server can call it on every request: a cache hit costs one
// read transaction.
//
// tenant is the user's own tenant, not the one a request acts in: decide a
// request on another tenant's resource with the principal of the caller's
// tenant (only the system tenant's Administrator policy matches there).
// The principal says nothing of the user's status: the caller checks that
// the user is enabled and the key active. CodeNotFound for an unknown tenant
// or user.
func (s *Service) Principal(ctx context.Context, tenant, user, keyType string) (*authz.Principal, uint64, error) {
	var (
		p   *authz.Principal
		gen uint64
	)
	err := s.view(func(tx *boltstore.Tx) error {
		gen = tx.AuthzGeneration()
		key := principalKey{tenant, user, keyType}
		if cached, ok := s.authz.principal(key, gen); ok {
			p = cached
			return nil
		}
		u, err := requireUser(tx, tenant, user)
		if err != nil {
			return err
		}
		if p, err = s.principalOf(tx, u); err != nil {
			return err
		}
		if keyType != "" {
			if p, err = s.withKeyType(tx, p, tenant, keyType); err != nil {
				return err
			}
		}
		if !tx.Writable() {
			s.authz.putPrincipal(key, gen, p)
		}
		return nil
	})
	return p, gen, err
}

// principalOf builds the principal of u from its own and its groups'
// policies, read in tx. A reference to a policy or group that does not
// exist grants nothing.
func (s *Service) principalOf(tx *boltstore.Tx, u domain.ServiceUser) (*authz.Principal, error) {
	names := append([]string(nil), u.Policies...)
	for _, gname := range u.Groups {
		g, ok, err := tx.Group(u.Tenant, gname)
		if err != nil {
			return nil, err
		}
		if ok {
			names = append(names, g.Policies...)
		}
	}
	policies := make([]*authz.Policy, 0, len(names))
	for _, name := range names {
		p, ok, err := s.compiledPolicy(tx, u.Tenant, name)
		if err != nil {
			return nil, err
		}
		if ok {
			policies = append(policies, p)
		}
	}
	return authz.NewPrincipal(u.Tenant, policies...), nil
}

// withKeyType limits p to key type keyType's scope; an unknown type, or one
// whose scope policy is gone, allows nothing.
func (s *Service) withKeyType(tx *boltstore.Tx, p *authz.Principal, tenant, keyType string) (*authz.Principal, error) {
	kt, ok, err := tx.KeyType(tenant, keyType)
	if err != nil || !ok {
		return p.WithKeyType(keyType, nil), err
	}
	scope, _, err := s.compiledPolicy(tx, tenant, kt.Scope)
	if err != nil {
		return nil, err
	}
	return p.WithKeyType(keyType, scope), nil
}

// compiledPolicy returns policy name of tenant compiled, managed or custom,
// from the cache when the stored revision has been compiled before.
func (s *Service) compiledPolicy(tx *boltstore.Tx, tenant, name string) (*authz.Policy, bool, error) {
	if authz.IsManaged(name) {
		if p, ok := s.authz.policy(tenant, name, 0); ok {
			return p, true, nil
		}
		p, err := authz.ManagedPolicy(tenant, name)
		if err != nil {
			return nil, false, err
		}
		s.authz.putPolicy(tenant, name, 0, p)
		return p, true, nil
	}
	if rev, ok := tx.PolicyRevision(tenant, name); ok {
		if p, ok := s.authz.policy(tenant, name, rev); ok {
			return p, true, nil
		}
	}
	rec, ok, err := tx.Policy(tenant, name)
	if err != nil || !ok {
		return nil, false, err
	}
	p, err := authz.Compile(tenant, name, toDocument(rec.Description, rec.Statements))
	if err != nil {
		// A stored policy was valid when written; a later, stricter keyward
		// may refuse it. It then grants nothing rather than failing every
		// request of every user holding it.
		return nil, false, nil
	}
	if !tx.Writable() {
		s.authz.putPolicy(tenant, name, rec.Revision, p)
	}
	return p, true, nil
}

// authzCache holds compiled policies and principals. The zero value is
// ready to use; it is safe for concurrent use.
//
// Entries are added only from read-only transactions, which see committed
// data. A write transaction (a Batch's reads included) may roll back, and
// the generation and revisions it used are then handed out again for other
// content; what it compiled must not outlive it.
type authzCache struct {
	mu sync.Mutex
	// policies: (tenant, name) -> the latest revision compiled. Revisions
	// never repeat in a database, so a hit is always the stored content.
	policies map[policyKey]compiledRevision
	// principals: (tenant, user, key type) -> principal at a generation.
	principals map[principalKey]principalAt
}

type policyKey struct{ tenant, name string }

type compiledRevision struct {
	revision uint64
	policy   *authz.Policy
}

type principalKey struct{ tenant, user, keyType string }

type principalAt struct {
	gen       uint64
	principal *authz.Principal
}

// maxCachedPrincipals bounds the principal cache; past it the cache starts
// over (it refills from the hot users within a request each).
const maxCachedPrincipals = 1 << 16

func (c *authzCache) policy(tenant, name string, revision uint64) (*authz.Policy, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.policies[policyKey{tenant, name}]
	if !ok || e.revision != revision {
		return nil, false
	}
	return e.policy, true
}

func (c *authzCache) putPolicy(tenant, name string, revision uint64, p *authz.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.policies == nil {
		c.policies = map[policyKey]compiledRevision{}
	}
	c.policies[policyKey{tenant, name}] = compiledRevision{revision, p}
}

func (c *authzCache) principal(k principalKey, gen uint64) (*authz.Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.principals[k]
	if !ok || e.gen != gen {
		return nil, false
	}
	return e.principal, true
}

func (c *authzCache) putPrincipal(k principalKey, gen uint64, p *authz.Principal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.principals == nil || len(c.principals) >= maxCachedPrincipals {
		c.principals = map[principalKey]principalAt{}
	}
	c.principals[k] = principalAt{gen, p}
}

// toDocument is the authz form of a stored policy's content.
func toDocument(description string, statements []domain.PolicyStatement) authz.Document {
	d := authz.Document{Description: description, Statements: make([]authz.Statement, len(statements))}
	for i, st := range statements {
		d.Statements[i] = authz.Statement{Effect: authz.Effect(st.Effect), Actions: st.Actions, Resources: st.Resources}
	}
	return d
}

// fromStatements is the stored form of a document's statements.
func fromStatements(statements []authz.Statement) []domain.PolicyStatement {
	out := make([]domain.PolicyStatement, len(statements))
	for i, st := range statements {
		out[i] = domain.PolicyStatement{
			Effect:    string(st.Effect),
			Actions:   append([]string{}, st.Actions...),
			Resources: append([]string{}, st.Resources...),
		}
	}
	return out
}
