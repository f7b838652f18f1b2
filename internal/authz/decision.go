package authz

import (
	"fmt"

	"github.com/keyward/keyward/internal/domain"
)

// Reason says why a Decision came out as it did.
type Reason int

// Reasons. The zero value is DefaultDeny, so a zero Decision denies.
const (
	// DefaultDeny: no statement of the principal's policies allows the request.
	DefaultDeny Reason = iota
	// AllowedByStatement: Statement allows it, no statement denies it (and,
	// for a key of a type, Scope allows it too).
	AllowedByStatement
	// DeniedByStatement: Statement, of the principal's policies, denies it.
	DeniedByStatement
	// DeniedByScope: Statement, of the key type's scope policy, denies it.
	DeniedByScope
	// OutsideScope: the principal's policies allow it, but no statement of the
	// key type's scope policy does.
	OutsideScope
	// InvalidAction: the action is not service:action, or names an action
	// that keyward's catalog does not have ("key:rotat").
	InvalidAction
	// InvalidResource: the resource is not kw:<tenant>:<path> (or a path
	// relative to the principal's tenant).
	InvalidResource
)

var reasonNames = [...]string{
	DefaultDeny:        "default_deny",
	AllowedByStatement: "allowed",
	DeniedByStatement:  "denied",
	DeniedByScope:      "denied_by_scope",
	OutsideScope:       "outside_scope",
	InvalidAction:      "invalid_action",
	InvalidResource:    "invalid_resource",
}

// String returns the reason's stable snake_case name ("default_deny"), for
// JSON output and logs.
func (r Reason) String() string {
	if r >= 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// StatementRef points at one statement of one policy.
type StatementRef struct {
	Tenant string `json:"tenant"`
	Policy string `json:"policy"`
	// Index is the statement's position in the policy's statements, from 0,
	// as in "statements[1]".
	Index  int    `json:"index"`
	Effect Effect `json:"effect"`
}

// String renders the reference as `policy "ops" statements[1] (deny)`.
func (r StatementRef) String() string {
	owner := ""
	if r.Tenant == SystemTenant && r.Policy == AdministratorPolicy {
		owner = " of the system tenant"
	}
	return fmt.Sprintf("policy %q%s statements[%d] (%s)", r.Policy, owner, r.Index, r.Effect)
}

// Decision is the outcome of one authorization request, with what decided
// it. It is a plain value: computing one allocates nothing; explaining it
// (String, Err) does.
type Decision struct {
	Allowed bool
	Reason  Reason
	// Action and Resource are the request, the resource made absolute.
	Action   string
	Resource string
	// Statement is the deciding statement: the allowing or denying one of the
	// principal's policies, or the scope's denying one (DeniedByScope).
	// Zero for DefaultDeny, OutsideScope and invalid requests.
	Statement StatementRef
	// KeyType and ScopePolicy name the key type that limited the request,
	// when the principal is a key of a type; Scope is the scope policy's
	// allowing statement when the request was allowed.
	KeyType     string
	ScopePolicy string
	Scope       StatementRef
}

// String explains the decision in one line, e.g.
// `denied by policy "ops" statements[1] (deny)` or
// `no statement allows it (default deny)`.
func (d Decision) String() string {
	switch d.Reason {
	case AllowedByStatement:
		s := "allowed by " + d.Statement.String()
		if d.Scope.Policy != "" {
			s += fmt.Sprintf(", within key type %q (scope %s)", d.KeyType, d.Scope)
		}
		return s
	case DeniedByStatement:
		return "denied by " + d.Statement.String()
	case DeniedByScope:
		return fmt.Sprintf("denied by key type %q: its scope %s", d.KeyType, d.Statement)
	case OutsideScope:
		return fmt.Sprintf("outside key type %q: no statement of its scope policy %q allows it (default deny)", d.KeyType, d.ScopePolicy)
	case InvalidAction:
		return fmt.Sprintf("invalid action: %s", validateActionPattern(d.Action))
	case InvalidResource:
		return fmt.Sprintf("invalid resource %q: a resource is kw:<tenant>:<path>, or a path relative to the tenant", d.Resource)
	}
	return "no statement allows it (default deny)"
}

// Err returns nil when the request is allowed, else a *domain.Error of code
// denied (invalid for a malformed request) whose message names the action,
// the resource and the reason.
func (d Decision) Err() error {
	switch {
	case d.Allowed:
		return nil
	case d.Reason == InvalidAction:
		return domain.Invalid("action", "%s", validateActionPattern(d.Action))
	case d.Reason == InvalidResource:
		return domain.Invalid("resource", "%q is not a resource: a resource is kw:<tenant>:<path>, or a path relative to the tenant", d.Resource)
	}
	return domain.Denied("%s on %s is denied: %s", d.Action, d.Resource, d)
}
