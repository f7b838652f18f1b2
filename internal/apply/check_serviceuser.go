package apply

import (
	"fmt"
	"sort"
	"strings"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/manifest"
)

func init() { registerCheck(backend.KindServiceUser, func() check { return &serviceUserCheck{} }) }

// serviceUserCheck refuses, before anything is written, service users that
// the service would refuse half-way: an address another user keeps, a user
// without an address in a tenant that requires one, and one in no group in
// a tenant that requires a group (as the tenant will be after the input
// applies). References to policies, groups and owners are checked for all
// kinds alike (refs.go).
type serviceUserCheck struct {
	tenants map[string]*tenantClaims
}

// tenantClaims are the addresses the input's users of one tenant will have.
type tenantClaims struct {
	claims  []claim
	byEmail map[string]int32 // e-mail key → first claim
	dupes   []claimDupe      // later claims of an address already given
	noEmail []claim          // users that will have no address
	noGroup []claim          // new users with no group, users declared with none
	// released are addresses current users give up, by e-mail key.
	released map[string]claim
}

type claim struct {
	id    string
	email string
	pos   manifest.Position // Line: of the email field, else of the object
}

type claimDupe struct {
	claim
	first int32
}

func (c *serviceUserCheck) observe(o observed) {
	u := o.merged.(*backend.ServiceUserSpec)
	if c.tenants == nil {
		c.tenants = map[string]*tenantClaims{}
	}
	t := c.tenants[u.Tenant]
	if t == nil {
		t = &tenantClaims{byEmail: map[string]int32{}}
		c.tenants[u.Tenant] = t
	}
	cl := claim{id: strings.Clone(u.ID), email: strings.Clone(*u.Email), pos: o.pos} // not the document's text
	cl.pos.Line = max(manifest.FieldLine(o.node, "email"), o.pos.Line)
	if o.current != nil {
		if was := *o.current.(*backend.ServiceUserSpec).Email; was != "" && domain.EmailKey(was) != domain.EmailKey(cl.email) {
			if t.released == nil {
				t.released = map[string]claim{}
			}
			t.released[domain.EmailKey(was)] = claim{id: u.ID, email: was, pos: o.pos}
		}
	}
	if groups := o.declared.(*backend.ServiceUserSpec).Groups; len(*u.Groups) == 0 && (o.current == nil || groups != nil) {
		pos := o.pos
		if groups != nil {
			pos.Line = max(manifest.FieldLine(o.node, "groups"), o.pos.Line)
		}
		t.noGroup = append(t.noGroup, claim{id: cl.id, pos: pos})
	}
	if cl.email == "" {
		t.noEmail = append(t.noEmail, cl)
		return
	}
	key := domain.EmailKey(cl.email)
	if first, taken := t.byEmail[key]; taken {
		t.dupes = append(t.dupes, claimDupe{cl, first})
		return
	}
	if key == *u.Email {
		key = cl.email // already a copy; most addresses are lower case
	} else {
		key = strings.Clone(key)
	}
	t.byEmail[key] = int32(len(t.claims))
	t.claims = append(t.claims, cl)
}

func (c *serviceUserCheck) finish(v *planView) ([]manifest.Problem, error) {
	var problems []manifest.Problem
	tenants := make([]string, 0, len(c.tenants))
	for id := range c.tenants {
		tenants = append(tenants, id)
	}
	sort.Strings(tenants)
	for _, tenant := range tenants {
		t := c.tenants[tenant]
		add := func(cl claim, format string, args ...any) {
			problems = append(problems, manifest.Problem{Source: v.source(), Pos: cl.pos, Field: "email",
				Object: backend.Ref{Kind: backend.KindServiceUser, Tenant: tenant, ID: cl.id}.String(), Message: fmt.Sprintf(format, args...)})
		}
		for _, d := range t.dupes {
			first := t.claims[d.first]
			add(d.claim, "%q is also given to service user %q (line %d); addresses are unique in a tenant", d.email, first.id, first.pos.Line)
		}
		spec, err := v.tenant(tenant)
		if err != nil {
			return nil, err
		}
		if spec != nil && spec.Settings.RequireEmail != nil && *spec.Settings.RequireEmail {
			for _, cl := range t.noEmail {
				add(cl, "is required in tenant %q (setting requireEmail)", tenant)
			}
		}
		if spec != nil && spec.Settings.RequireGroup != nil && *spec.Settings.RequireGroup {
			for _, cl := range t.noGroup {
				p := manifest.Problem{Source: v.source(), Pos: cl.pos, Field: "groups",
					Object:  backend.Ref{Kind: backend.KindServiceUser, Tenant: tenant, ID: cl.id}.String(),
					Message: fmt.Sprintf("at least one group is required in tenant %q (setting requireGroup)", tenant)}
				problems = append(problems, p)
			}
		}
		// Addresses current users keep: one the input does not declare
		// keeps its address; one declared later gives it up only then.
		undeclared, err := v.undeclared(backend.KindServiceUser, tenant)
		if err != nil {
			return nil, err
		}
		for id, s := range undeclared {
			email := *s.(*backend.ServiceUserSpec).Email
			if i, claimed := t.byEmail[domain.EmailKey(email)]; email != "" && claimed {
				add(t.claims[i], "%q is already used by service user %q", t.claims[i].email, id)
			}
		}
		for key, owner := range t.released {
			if i, claimed := t.byEmail[key]; claimed && t.claims[i].id != owner.id && positionLess(t.claims[i].pos, owner.pos) {
				cl := t.claims[i]
				add(cl, "%q still belongs to service user %q, which gives it up only later in the file (line %d); declare %q first",
					cl.email, owner.id, owner.pos.Line, owner.id)
			}
		}
	}
	return problems, nil
}
