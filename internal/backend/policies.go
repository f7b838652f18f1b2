package backend

import (
	"context"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
)

// Policies manages permission policies, their attachment to service users
// and groups, and explains decisions (CheckPolicy).
//
// The managed policies Administrator and ReadOnly exist in every tenant:
// they are listed and shown (Managed true) and may be attached, but creating,
// updating, renaming or deleting them is CodeInvalid. Policy names are
// case-sensitive ([A-Za-z0-9][A-Za-z0-9_.-]{0,63}).
type Policies interface {
	// CreatePolicy creates a custom policy. The document is validated as a
	// whole (authz.Compile): CodeInvalid names each refused field by its
	// path ("statements[1].effect"). An existing name is CodeConflict, or
	// with IfNotExists the existing policy unchanged and created=false.
	CreatePolicy(ctx context.Context, tenant string, in CreatePolicyInput) (p domain.Policy, created bool, err error)
	// ListPolicies returns the managed policies, then the custom ones by
	// name, each with its attachments.
	ListPolicies(ctx context.Context, tenant string) ([]domain.Policy, error)
	// GetPolicy returns one policy with its attachments, or CodeNotFound.
	GetPolicy(ctx context.Context, tenant, name string) (domain.Policy, error)
	// UpdatePolicy changes the fields given and increments Version. Name
	// renames the policy and every reference to it (users, groups, key
	// types); a taken name is CodeConflict.
	UpdatePolicy(ctx context.Context, tenant, name string, in UpdatePolicyInput) (domain.Policy, error)
	// DeletePolicy deletes a custom policy. While it is attached it needs
	// Force, which detaches it everywhere (else CodeConflict); while a key
	// type uses it as scope it cannot be deleted (CodeConflict).
	DeletePolicy(ctx context.Context, tenant, name string, opts DeletePolicyOptions) error
	// AttachPolicy attaches a policy to exactly one of a user or a group.
	// Attaching it again changes nothing and is no error (changed=false).
	// An unknown policy, user or group is CodeNotFound.
	AttachPolicy(ctx context.Context, tenant, name string, to PolicyTarget) (p domain.Policy, changed bool, err error)
	// DetachPolicy detaches a policy from a user or a group. Detaching one
	// that is not attached changes nothing and is no error (changed=false).
	DetachPolicy(ctx context.Context, tenant, name string, from PolicyTarget) (p domain.Policy, changed bool, err error)
	// CheckPolicy explains whether a service user (or, with KeyID, one of
	// its keys, limited by the key's type) may perform an action on a
	// resource. A denial is a result, not an error; a malformed action or
	// resource is CodeInvalid (with the nearest catalog action suggested),
	// an unknown user or key CodeNotFound.
	CheckPolicy(ctx context.Context, tenant string, in CheckPolicyInput) (PolicyCheck, error)
}

// CreatePolicyInput describes a new custom policy: its name and document.
type CreatePolicyInput struct {
	Name        string                   `json:"name"`
	Description string                   `json:"description"`
	Statements  []domain.PolicyStatement `json:"statements"`
	IfNotExists bool                     `json:"ifNotExists,omitempty"`
}

// UpdatePolicyInput changes a custom policy; nil fields stay as they are.
// Statements replaces every statement.
type UpdatePolicyInput struct {
	Name        *string                   `json:"name,omitempty"`
	Description *string                   `json:"description,omitempty"`
	Statements  *[]domain.PolicyStatement `json:"statements,omitempty"`
}

// DeletePolicyOptions modify DeletePolicy.
type DeletePolicyOptions struct {
	// Force detaches the policy from every user and group first.
	Force bool `json:"force,omitempty"`
}

// PolicyTarget names what a policy is attached to: exactly one of User (a
// service user id) and Group (a group name).
type PolicyTarget struct {
	User  string `json:"user,omitempty"`
	Group string `json:"group,omitempty"`
}

// CheckPolicyInput is the request CheckPolicy explains. Resource defaults
// to every resource of the tenant (kw:<tenant>:*); one not starting with
// "kw:" is relative to the tenant. KeyID, when set, names a key of User
// whose type's scope limits the request.
type CheckPolicyInput struct {
	User     string `json:"user"`
	Action   string `json:"action"`
	Resource string `json:"resource,omitempty"`
	KeyID    string `json:"keyId,omitempty"`
}

// PolicyCheck is CheckPolicy's answer, the JSON shape of `policy check -o
// json` (docs/policies.md).
type PolicyCheck struct {
	Tenant      string `json:"tenant"`
	ServiceUser string `json:"serviceUser"`
	// KeyID and KeyType are the key checked and its type, or null.
	KeyID    *string `json:"keyId"`
	KeyType  *string `json:"keyType"`
	Action   string  `json:"action"`
	Resource string  `json:"resource"`
	Allowed  bool    `json:"allowed"`
	// Decision is "allow" or "deny".
	Decision string `json:"decision"`
	// Reason is the stable name of authz.Reason: allowed, denied,
	// default_deny, denied_by_scope or outside_scope.
	Reason string `json:"reason"`
	// Statement is the deciding statement (for denied_by_scope, the key
	// type's), or null for a default deny.
	Statement *authz.StatementRef `json:"statement"`
	// ScopeStatement is the key type's allowing statement, or null.
	ScopeStatement *authz.StatementRef `json:"scopeStatement"`
	// Explanation is the decision in one line, e.g.
	// `denied by policy "ops" statements[1] (deny)`.
	Explanation string `json:"explanation"`
}
