package authz

import (
	"fmt"

	"github.com/keyward/keyward/internal/domain"
)

// Names of the managed policies, which exist in every tenant and cannot be
// created, updated, deleted or renamed.
const (
	// AdministratorPolicy allows every action, keyward's and downstream, on
	// every resource of its tenant. In the system tenant it applies in every
	// tenant: its tenant pin is lifted, and only its (see ManagedPolicy).
	AdministratorPolicy = "Administrator"
	// ReadOnlyPolicy allows the catalog's Read actions, and nothing else, on
	// every resource of its tenant.
	ReadOnlyPolicy = "ReadOnly"
)

// ManagedPolicyNames returns the managed policies' names.
func ManagedPolicyNames() []string {
	return []string{AdministratorPolicy, ReadOnlyPolicy}
}

// IsManaged reports whether name is a managed policy's name. Names are
// case-sensitive, so "readonly" is a valid custom name.
func IsManaged(name string) bool {
	return name == AdministratorPolicy || name == ReadOnlyPolicy
}

// ManagedDocument returns the document of managed policy name.
func ManagedDocument(name string) (Document, bool) {
	switch name {
	case AdministratorPolicy:
		return Document{
			Description: "Every action, keyward's and downstream, on every resource of the tenant. " +
				"In the system tenant: on every resource of every tenant.",
			Statements: []Statement{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}},
		}, true
	case ReadOnlyPolicy:
		var reads []string
		for _, a := range catalog {
			if a.Access == Read {
				reads = append(reads, a.Name)
			}
		}
		return Document{
			Description: "keyward's read actions on every resource of the tenant; no changes, no downstream actions.",
			Statements:  []Statement{{Effect: Allow, Actions: reads, Resources: []string{"*"}}},
		}, true
	}
	return Document{}, false
}

// ManagedPolicy returns managed policy name compiled for tenant.
//
// The system tenant's Administrator is the one policy compiled without the
// tenant pin: its resource "*" matches kw:<any tenant>:…, so a service user
// of the system tenant holding it may act in every tenant (and is the only
// kind of principal that can reach kw:system:db from elsewhere). Every other
// policy of the system tenant, ReadOnly included, stays pinned to it.
func ManagedPolicy(tenant, name string) (*Policy, error) {
	doc, ok := ManagedDocument(name)
	if !ok {
		return nil, domain.NotFound("managed policy %q does not exist", name).
			WithHint("managed policies are %s and %s", AdministratorPolicy, ReadOnlyPolicy)
	}
	if !ValidTenantID(tenant) {
		return nil, domain.Invalid("tenant", "%q is not a tenant id", tenant)
	}
	p, err := compile(tenant, name, doc, true, tenant == SystemTenant && name == AdministratorPolicy)
	if err != nil {
		return nil, fmt.Errorf("compile managed policy %s: %w", name, err)
	}
	return p, nil
}
