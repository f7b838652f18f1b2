package authz

import (
	"fmt"

	"github.com/keyward/keyward/internal/domain"
)

// AllowedKeyType reports whether user may hold keys of a type whose scope
// policy is scope. See CheckKeyType.
func AllowedKeyType(user *Principal, scope *Policy) bool {
	return CheckKeyType(user, scope) == nil
}

// CheckKeyType returns nil when user may hold keys of a type whose scope
// policy is scope, else a *domain.Error of code denied naming the first
// scope pattern at fault. Per SPEC: every pair (action pattern, resource
// pattern) of every allow statement of the scope must be contained in one
// allow statement of the user's policies and overlap none of their deny
// statements. Containment is checked per user statement, not against the
// union of several. The user's own key-type limit, if any, is ignored: the
// question is about the service user.
func CheckKeyType(user *Principal, scope *Policy) error {
	if scope == nil {
		return domain.Invalid("scope", "a key type needs a scope policy")
	}
	u := *user
	u.scope, u.scopePolicy, u.keyType = nil, nil, ""
	for i, s := range scope.statements {
		if s.effect != Allow {
			continue
		}
		for _, a := range s.actions {
			for _, r := range s.resources {
				d := u.Decide(a.pattern, r.pattern)
				if d.Allowed {
					continue
				}
				return domain.Denied("scope policy %q statements[%d] allows %s on %s, beyond the service user's permissions: %s",
					scope.name, i, a.pattern, r.pattern, explainForKeyType(d))
			}
		}
	}
	return nil
}

func explainForKeyType(d Decision) string {
	if d.Reason == DefaultDeny {
		return "no statement of the user's policies allows all of it"
	}
	return fmt.Sprint(d)
}
