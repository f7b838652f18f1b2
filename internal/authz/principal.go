package authz

import "strings"

// Principal is what a service user — or one of its keys — may do: the union
// of its own and its groups' policies, optionally limited by a key type's
// scope policy. Build it once per identity (NewPrincipal, WithKeyType) and
// call Decide per request; a Principal is immutable and safe for concurrent
// use.
type Principal struct {
	tenant   string
	policies []*Policy
	user     ruleSet
	// scope is set for a key of a type: the type's scope policy's rules.
	scope       *ruleSet
	scopePolicy *Policy
	keyType     string
}

// NewPrincipal builds the principal of a service user of tenant holding
// policies: its own and its groups'. A policy given twice (same tenant and
// name) counts once; nil entries are skipped. Relative resources in Decide
// resolve against tenant.
func NewPrincipal(tenant string, policies ...*Policy) *Principal {
	p := &Principal{tenant: tenant}
	seen := map[[2]string]bool{}
	for _, pol := range policies {
		if pol == nil || seen[[2]string{pol.tenant, pol.name}] {
			continue
		}
		seen[[2]string{pol.tenant, pol.name}] = true
		p.policies = append(p.policies, pol)
	}
	p.user = newRuleSet(p.policies)
	return p
}

// WithKeyType returns the principal of a key of type keyType whose scope
// policy is scope: it may do only what both p's policies and scope allow, and
// a deny in either denies. A nil scope allows nothing. p itself is unchanged.
func (p *Principal) WithKeyType(keyType string, scope *Policy) *Principal {
	if scope == nil {
		scope = &Policy{tenant: p.tenant} // a type without scope allows nothing
	}
	c := *p
	rs := newRuleSet([]*Policy{scope})
	c.scope, c.scopePolicy, c.keyType = &rs, scope, keyType
	return &c
}

// Tenant returns the tenant the principal belongs to.
func (p *Principal) Tenant() string { return p.tenant }

// Policies returns the principal's policies (not the key type's scope), in
// the order given, without repeats.
func (p *Principal) Policies() []*Policy { return append([]*Policy(nil), p.policies...) }

// Decide answers whether the principal may perform action on resource, and
// why. Deny wins over allow; a request nothing allows is denied. A resource
// not starting with "kw:" is relative to the principal's tenant. An action
// must be service:action, and one in a keyward namespace must be in the
// catalog; a malformed request is denied as InvalidAction or InvalidResource.
//
// A request whose action or resource contains '*' asks about every request
// it covers ("kw:acme:*", the default of `policy check`): it is allowed only
// when one allow statement covers it all and no deny statement overlaps any
// of it.
//
// For a concrete request Decide allocates nothing (given an absolute
// resource) and touches only the statements that can match the action.
func (p *Principal) Decide(action, resource string) Decision {
	if !strings.HasPrefix(resource, resourceScheme) {
		resource = resourceScheme + p.tenant + ":" + resource
	}
	d := Decision{Action: action, Resource: resource}
	if _, ok := ResourceTenant(resource); !ok {
		d.Reason = InvalidResource
		return d
	}
	var userDeny, userAllow, scopeDeny, scopeAllow *rule
	if hasWildcard(action) || hasWildcard(resource) {
		if validateActionPattern(action) != "" {
			d.Reason = InvalidAction
			return d
		}
		q := query{action: compileGlob(action), resource: compileGlob(resource)}
		userDeny, userAllow = p.user.decidePattern(&q)
		if p.scope != nil {
			scopeDeny, scopeAllow = p.scope.decidePattern(&q)
		}
	} else {
		var known bool
		userDeny, userAllow, known = p.user.decide(action, resource)
		if !known && !validDownstreamAction(action) {
			d.Reason = InvalidAction
			return d
		}
		if p.scope != nil {
			scopeDeny, scopeAllow, _ = p.scope.decide(action, resource)
		}
	}
	if p.scope != nil {
		d.KeyType, d.ScopePolicy = p.keyType, p.scopePolicy.name
	}
	switch {
	case userDeny != nil:
		d.Reason, d.Statement = DeniedByStatement, userDeny.ref
	case scopeDeny != nil:
		d.Reason, d.Statement = DeniedByScope, scopeDeny.ref
	case userAllow == nil:
		d.Reason = DefaultDeny
	case p.scope != nil && scopeAllow == nil:
		d.Reason = OutsideScope
	default:
		d.Allowed, d.Reason, d.Statement = true, AllowedByStatement, userAllow.ref
		if scopeAllow != nil {
			d.Scope = scopeAllow.ref
		}
	}
	return d
}

// validDownstreamAction reports whether action, containing no '*', is a
// well-formed action outside keyward's namespaces: service:action of
// letters, digits, '_', '.' and '-'.
func validDownstreamAction(action string) bool {
	colon := -1
	for i := 0; i < len(action); i++ {
		switch c := action[i]; {
		case c == ':':
			if colon >= 0 {
				return false
			}
			colon = i
		case !isAlnum(c) && c != '_' && c != '.' && c != '-':
			return false
		}
	}
	if colon <= 0 || colon == len(action)-1 {
		return false
	}
	return !isKeywardNamespace(action[:colon]) && !isKeywardNamespace(strings.ToLower(action[:colon]))
}
