package authz

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/domain"
)

// Limits on a policy document. They bound the work a policy adds to every
// decision and the size of what the server stores.
const (
	maxDescriptionLen = 1000
	maxStatements     = 100
	maxPatterns       = 100 // per actions or resources list
	maxPatternLen     = 512
	maxPolicyNameLen  = 64
)

// ValidPolicyName reports whether s is a valid policy name:
// [A-Za-z0-9][A-Za-z0-9_.-]{0,63}. Names are case-sensitive.
func ValidPolicyName(s string) bool {
	if len(s) == 0 || len(s) > maxPolicyNameLen || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Validate checks d's values and returns nil or one *domain.Error of code
// invalid naming every refused field by its path, e.g.
// `statements[1].effect: must be "allow" or "deny"`. A valid document has
// at least one statement; each statement an effect "allow" or "deny"
// (lowercase), at least one action and at least one resource. An action
// pattern is service:action of letters, digits, '_', '.', '-' and '*'; one in
// a keyward namespace ("key:…") must name (or, with '*', match) a catalog
// action. A resource pattern has no spaces or control characters; one starting
// with "kw:" and a literal tenant must be kw:<tenant>:<path>. At most 100
// statements, 100 actions and 100 resources per statement, 512 bytes per
// pattern and 1000 bytes of description.
func (d Document) Validate() error {
	var v domain.Validation
	if len(d.Description) > maxDescriptionLen {
		v.Add("description", "must be at most %d bytes, not %d", maxDescriptionLen, len(d.Description))
	} else if !utf8.ValidString(d.Description) {
		v.Add("description", "must be valid UTF-8")
	}
	switch {
	case len(d.Statements) == 0:
		v.Add("statements", "must contain at least one statement")
	case len(d.Statements) > maxStatements:
		v.Add("statements", "must contain at most %d statements, not %d", maxStatements, len(d.Statements))
	default:
		for i, s := range d.Statements {
			s.validate(fmt.Sprintf("statements[%d]", i), &v)
		}
	}
	return v.Err()
}

func (s Statement) validate(path string, v *domain.Validation) {
	if s.Effect != Allow && s.Effect != Deny {
		v.Add(path+".effect", "must be \"allow\" or \"deny\"")
	}
	validateList(s.Actions, path+".actions", "action", v, validateActionPattern)
	validateList(s.Resources, path+".resources", "resource", v, validateResourcePattern)
}

func validateList(patterns []string, path, what string, v *domain.Validation, check func(string) string) {
	switch {
	case len(patterns) == 0:
		v.Add(path, "must list at least one %s", what)
		return
	case len(patterns) > maxPatterns:
		v.Add(path, "must list at most %d %ss, not %d", maxPatterns, what, len(patterns))
		return
	}
	for j, p := range patterns {
		field := fmt.Sprintf("%s[%d]", path, j)
		if len(p) > maxPatternLen {
			v.Add(field, "must be at most %d bytes, not %d", maxPatternLen, len(p))
		} else if why := check(p); why != "" {
			v.Add(field, "%s", why)
		}
	}
}

// validateActionPattern returns why p is not an action pattern, or "".
func validateActionPattern(p string) string {
	const shape = "an action is service:action of letters, digits, '_', '.', '-', with '*' as wildcard"
	if p == "" {
		return "must not be empty; " + shape
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !isAlnum(c) && !strings.ContainsRune("_.-*:", rune(c)) {
			return fmt.Sprintf("%q contains %q; %s", p, string(rune(c)), shape)
		}
	}
	ns, verb, found := strings.Cut(p, ":")
	switch {
	case !found && !hasWildcard(p):
		return fmt.Sprintf("%q has no ':'; %s", p, shape)
	case !found:
		return "" // e.g. "*" or "key*": wildcards may span the ':'
	case strings.Contains(verb, ":"):
		return fmt.Sprintf("%q has more than one ':'; %s", p, shape)
	case ns == "" || verb == "":
		return fmt.Sprintf("%q has an empty part; %s", p, shape)
	case hasWildcard(ns):
		return ""
	case isKeywardNamespace(ns):
		return validateKeywardAction(p, ns, verb)
	case isKeywardNamespace(strings.ToLower(ns)):
		// Key:Rotate would be a downstream action keyward never checks.
		msg := fmt.Sprintf("%q is not a keyward action: actions are case-sensitive", p)
		if best, ok := nearestAction(p); ok {
			msg += fmt.Sprintf("; did you mean %q?", best)
		}
		return msg
	}
	return ""
}

// validateKeywardAction checks a pattern in keyward namespace ns against the
// catalog.
func validateKeywardAction(p, ns, verb string) string {
	if !hasWildcard(verb) {
		if _, ok := catalogIndex[p]; !ok {
			return unknownActionMessage(p)
		}
		return ""
	}
	g := compileGlob(p)
	for _, a := range catalog {
		if g.match(a.Name) {
			return ""
		}
	}
	return fmt.Sprintf("%q matches no keyward action; %s", p, namespaceActions(ns))
}

// validateResourcePattern returns why p is not a resource pattern, or "".
func validateResourcePattern(p string) string {
	if p == "" {
		return "must not be empty; use \"*\" for every resource of the tenant"
	}
	if !utf8.ValidString(p) {
		return "must be valid UTF-8"
	}
	for _, r := range p {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Sprintf("%q contains a space or control character", p)
		}
	}
	rest, absolute := strings.CutPrefix(p, resourceScheme)
	if !absolute {
		return ""
	}
	tenant, path, found := strings.Cut(rest, ":")
	if hasWildcard(tenant) {
		return "" // Compile decides whether it can match the policy's tenant
	}
	const shape = "an absolute resource is kw:<tenant>:<path>; a resource without \"kw:\" is relative to the policy's tenant"
	switch {
	case !found || path == "":
		return fmt.Sprintf("%q names no resource; %s", p, shape)
	case !ValidTenantID(tenant):
		return fmt.Sprintf("%q: %q is not a tenant id; %s", p, tenant, shape)
	}
	return ""
}
