package authz

import "strings"

// rule is one compiled statement with where it came from.
type rule struct {
	ref       StatementRef
	deny      bool
	actions   []glob
	resources []glob
}

// ruleSet indexes rules by action so that deciding looks only at the
// statements that can match. Every catalog action and every literal action a
// policy names has its matching rules precomputed, in policy and statement
// order, denies apart from allows. Any other action can only match a wildcard
// action pattern: those are indexed by the namespace they are confined to
// ("orders:*" only matches orders:…), with the patterns whose namespace is a
// wildcard ("*:read") added to every namespace and kept in anyNamespace.
type ruleSet struct {
	all          []*rule
	byAction     map[string]rules
	byNamespace  map[string]wildRules
	anyNamespace wildRules
}

type rules struct{ deny, allow []*rule }

// wildRule is a rule with only those of its action patterns that can match
// an action the index sends it.
type wildRule struct {
	rule    *rule
	actions []glob
}

type wildRules struct{ deny, allow []wildRule }

func (w *wildRules) add(r *rule, actions []glob) {
	if len(actions) == 0 {
		return
	}
	if r.deny {
		w.deny = append(w.deny, wildRule{r, actions})
	} else {
		w.allow = append(w.allow, wildRule{r, actions})
	}
}

func newRuleSet(policies []*Policy) ruleSet {
	var rs ruleSet
	for _, pol := range policies {
		for i, s := range pol.statements {
			rs.all = append(rs.all, &rule{
				ref:       StatementRef{Tenant: pol.tenant, Policy: pol.name, Index: i, Effect: s.effect},
				deny:      s.effect == Deny,
				actions:   s.actions,
				resources: s.resources,
			})
		}
	}
	// Literal actions: the catalog's and any a policy names.
	literals := map[string]bool{}
	namespaces := map[string]bool{}
	for _, a := range catalog {
		literals[a.Name] = true
	}
	for _, r := range rs.all {
		for _, a := range r.actions {
			if a.exact {
				literals[a.pattern] = true
			} else if ns, ok := patternNamespace(a.pattern); ok {
				namespaces[ns] = true
			}
		}
	}
	rs.byAction = make(map[string]rules, len(literals))
	for action := range literals {
		var ar rules
		for _, r := range rs.all {
			switch {
			case !matchAny(r.actions, action):
			case r.deny:
				ar.deny = append(ar.deny, r)
			default:
				ar.allow = append(ar.allow, r)
			}
		}
		rs.byAction[action] = ar
	}
	rs.byNamespace = make(map[string]wildRules, len(namespaces))
	for ns := range namespaces {
		var wr wildRules
		for _, r := range rs.all {
			var actions []glob
			for _, a := range r.actions {
				if pns, confined := patternNamespace(a.pattern); !a.exact && (!confined || pns == ns) {
					actions = append(actions, a)
				}
			}
			wr.add(r, actions)
		}
		rs.byNamespace[ns] = wr
	}
	for _, r := range rs.all {
		var actions []glob
		for _, a := range r.actions {
			if _, confined := patternNamespace(a.pattern); !a.exact && !confined {
				actions = append(actions, a)
			}
		}
		rs.anyNamespace.add(r, actions)
	}
	return rs
}

// patternNamespace returns the namespace an action pattern is confined to:
// the part before its ':' when that part has no '*'.
func patternNamespace(pattern string) (string, bool) {
	ns, _, found := strings.Cut(pattern, ":")
	if !found || hasWildcard(ns) {
		return "", false
	}
	return ns, true
}

// decide finds the first deny and, failing that, the first allow matching a
// concrete request. known reports whether action is a catalog action or one
// a policy names literally.
func (rs *ruleSet) decide(action, resource string) (deny, allow *rule, known bool) {
	if ar, ok := rs.byAction[action]; ok {
		for _, r := range ar.deny {
			if matchAny(r.resources, resource) {
				return r, nil, true
			}
		}
		for _, r := range ar.allow {
			if matchAny(r.resources, resource) {
				return nil, r, true
			}
		}
		return nil, nil, true
	}
	wr := &rs.anyNamespace
	if colon := strings.IndexByte(action, ':'); colon >= 0 {
		if byNS, ok := rs.byNamespace[action[:colon]]; ok {
			wr = &byNS
		}
	}
	for _, w := range wr.deny {
		if matchAny(w.actions, action) && matchAny(w.rule.resources, resource) {
			return w.rule, nil, false
		}
	}
	for _, w := range wr.allow {
		if matchAny(w.actions, action) && matchAny(w.rule.resources, resource) {
			return nil, w.rule, false
		}
	}
	return nil, nil, false
}

// query is a request with wildcards, compiled.
type query struct{ action, resource glob }

// decidePattern finds the first deny overlapping the query and, failing that,
// the first allow containing it. A rule pattern contains the query pattern
// exactly when it matches the query's text (see contains).
func (rs *ruleSet) decidePattern(q *query) (deny, allow *rule) {
	for _, r := range rs.all {
		if r.deny && overlapAny(r.actions, &q.action) && overlapAny(r.resources, &q.resource) {
			return r, nil
		}
	}
	for _, r := range rs.all {
		if !r.deny && matchAny(r.actions, q.action.pattern) && matchAny(r.resources, q.resource.pattern) {
			return nil, r
		}
	}
	return nil, nil
}

func overlapAny(globs []glob, g *glob) bool {
	for i := range globs {
		if globsOverlap(&globs[i], g) {
			return true
		}
	}
	return false
}
