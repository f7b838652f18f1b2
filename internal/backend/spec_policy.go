package backend

import (
	"context"
	"errors"
	"strings"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
)

// KindPolicy is the `kind:` of custom permission policies.
const KindPolicy = "Policy"

// PolicySpec is the declared state of a custom permission policy:
//
//	kind: Policy
//	tenant: acme
//	name: deployer
//	description: deploys the shop
//	statements:
//	  - effect: allow
//	    actions: ["key:list", "shop:deploy"]
//	    resources: ["*"]
//
// statements, when given, replace every statement; a new policy needs
// them. The document is checked as `policy create` checks it, each refused
// field named by its path ("statements[1].effect"). The managed policies
// (Administrator, ReadOnly) are keyward's: they are never exported, pruned
// or declared (a declaration is refused).
type PolicySpec struct {
	Tenant      string                    `json:"tenant"`
	Name        string                    `json:"name" spec:"identity"`
	Description *string                   `json:"description,omitempty"`
	Statements  *[]domain.PolicyStatement `json:"statements,omitempty"`
}

func init() {
	RegisterKind(Kind{
		Name:       KindPolicy,
		Order:      10,
		Namespaced: true,
		New:        func() Spec { return &PolicySpec{} },
		Default: func(ref Ref) Spec {
			description := ""
			return &PolicySpec{Tenant: ref.Tenant, Name: ref.ID, Description: &description}
		},
		Builtin: func(ref Ref) bool { return authz.IsManaged(ref.ID) },
		Load: func(ctx context.Context, b Backend, tenant string) ([]Spec, error) {
			ps, err := b.ListPolicies(ctx, tenant)
			return loadSpecs(ps, err, PolicySpecOf, func(p domain.Policy) bool { return !p.Managed })
		},
	})
}

// PolicySpecOf returns the complete spec of p: what export writes.
func PolicySpecOf(p domain.Policy) *PolicySpec {
	description, statements := p.Description, clonedStatements(p.Statements)
	return &PolicySpec{Tenant: p.Tenant, Name: p.Name, Description: &description, Statements: &statements}
}

// Ref implements Spec.
func (s *PolicySpec) Ref() Ref { return Ref{Kind: KindPolicy, Tenant: s.Tenant, ID: s.Name} }

// Validate implements Spec: the document as `policy create` compiles it,
// without the statements when they are not given.
func (s *PolicySpec) Validate() error {
	_, err := s.compile(s.Description, s.Statements)
	if err == nil || s.Statements != nil {
		return err
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	var v domain.Validation
	for field, why := range de.Fields {
		if !strings.HasPrefix(field, "statements") {
			v.Add(field, "%s", why)
		}
	}
	return v.Err()
}

// compile compiles the policy with description and statements (nil: none).
func (s *PolicySpec) compile(description *string, statements *[]domain.PolicyStatement) (*authz.Policy, error) {
	doc := authz.Document{}
	if description != nil {
		doc.Description = *description
	}
	if statements != nil {
		for _, st := range *statements {
			doc.Statements = append(doc.Statements, authz.Statement{Effect: authz.Effect(st.Effect), Actions: st.Actions, Resources: st.Resources})
		}
	}
	return authz.Compile(s.Tenant, s.Name, doc)
}

// Merge implements Spec.
func (s *PolicySpec) Merge(base Spec) (Spec, error) {
	b, ok := base.(*PolicySpec)
	if !ok {
		return nil, errors.New("policy spec merged onto " + base.Ref().Kind)
	}
	description, statements := b.Description, b.Statements
	if s.Description != nil {
		description = s.Description
	}
	if s.Statements != nil {
		statements = s.Statements
	}
	compiled, err := s.compile(description, statements)
	if err != nil {
		return nil, err
	}
	doc := compiled.Document()
	out := &PolicySpec{Tenant: s.Tenant, Name: s.Name, Description: &doc.Description}
	list := make([]domain.PolicyStatement, len(doc.Statements))
	for i, st := range doc.Statements {
		list[i] = domain.PolicyStatement{Effect: string(st.Effect), Actions: st.Actions, Resources: st.Resources}
	}
	out.Statements = &list
	return out, nil
}

// clonedStatements copies statements, every list non-nil.
func clonedStatements(in []domain.PolicyStatement) []domain.PolicyStatement {
	out := make([]domain.PolicyStatement, len(in))
	for i, st := range in {
		out[i] = domain.PolicyStatement{Effect: st.Effect, Actions: append([]string{}, st.Actions...), Resources: append([]string{}, st.Resources...)}
	}
	return out
}
