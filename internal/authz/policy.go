package authz

import (
	"fmt"
	"strings"

	"github.com/keyward/keyward/internal/domain"
)

// Policy is a permission policy compiled for one tenant: its patterns are
// parsed once into matchers, so deciding never re-parses. A Policy is
// immutable and safe for concurrent use; build one with Compile or
// ManagedPolicy.
type Policy struct {
	tenant  string
	name    string
	doc     Document
	managed bool
	// allTenants lifts the tenant pin: set only for the system tenant's
	// managed Administrator policy.
	allTenants bool
	statements []compiledStatement
}

// compiledStatement is one statement's matchers. Resource patterns are
// absolute and pinned to the policy's tenant.
type compiledStatement struct {
	effect    Effect
	actions   []glob
	resources []glob
}

// Name returns the policy's name.
func (p *Policy) Name() string { return p.name }

// Tenant returns the tenant the policy belongs to.
func (p *Policy) Tenant() string { return p.tenant }

// Managed reports whether p is one of the managed policies (Administrator,
// ReadOnly), which exist in every tenant and cannot be changed.
func (p *Policy) Managed() bool { return p.managed }

// Document returns a copy of the document the policy was compiled from.
func (p *Policy) Document() Document { return p.doc.Clone() }

// Compile validates doc and compiles it as custom policy name of tenant. Any
// problem comes back as one *domain.Error of code invalid naming each field
// ("name", "statements[0].resources[1]", …).
//
// Resource patterns are pinned to the tenant: a relative pattern p becomes
// kw:<tenant>:p, and an absolute one keeps only the part of its language
// inside kw:<tenant>: — so "kw:*" and "*" in tenant acme both match exactly
// kw:acme:…, never kw:other:…. An absolute pattern that can match no resource
// of the tenant ("kw:other:serviceuser/*") is refused, since it could never
// apply. Managed names are refused too; use ManagedPolicy.
func Compile(tenant, name string, doc Document) (*Policy, error) {
	var v domain.Validation
	if !ValidTenantID(tenant) {
		v.Add("tenant", "%q is not a tenant id ([a-z0-9][a-z0-9-]{0,62})", tenant)
	}
	switch {
	case !ValidPolicyName(name):
		v.Add("name", "%q is not a policy name: 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit", name)
	case IsManaged(name):
		v.Add("name", "%q is a managed policy; it cannot be created or changed", name)
	}
	v.AddError("document", doc.Validate())
	if err := v.Err(); err != nil {
		return nil, err
	}
	return compile(tenant, name, doc, false, false)
}

// compile turns a validated document into matchers.
func compile(tenant, name string, doc Document, managed, allTenants bool) (*Policy, error) {
	p := &Policy{tenant: tenant, name: name, doc: doc.Clone(), managed: managed, allTenants: allTenants}
	var v domain.Validation
	for i, s := range doc.Statements {
		cs := compiledStatement{effect: s.Effect}
		for _, a := range s.Actions {
			cs.actions = append(cs.actions, compileGlob(a))
		}
		for j, r := range s.Resources {
			pinned := pinResource(tenant, r, allTenants)
			if len(pinned) == 0 {
				v.Add(fmt.Sprintf("statements[%d].resources[%d]", i, j),
					"%q matches no resource of tenant %q; a policy applies only to its own tenant's resources", r, tenant)
			}
			for _, q := range pinned {
				cs.resources = append(cs.resources, compileGlob(q))
			}
		}
		p.statements = append(p.statements, cs)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// pinResource returns the absolute patterns whose union is what resource
// pattern r, written in a policy of tenant, can match: normally one, none when
// r names another tenant. With allTenants a relative pattern applies under
// every tenant instead.
func pinResource(tenant, r string, allTenants bool) []string {
	if !strings.HasPrefix(r, resourceScheme) {
		if allTenants {
			return []string{resourceScheme + "*:" + r}
		}
		return []string{resourceScheme + tenant + ":" + r}
	}
	if allTenants {
		return []string{r}
	}
	inTenant := resourceScheme + tenant + ":"
	var out []string
	for _, rest := range quotient(r, inTenant) {
		if rest != "" { // kw:<tenant>: alone names no resource
			out = append(out, inTenant+rest)
		}
	}
	return out
}
