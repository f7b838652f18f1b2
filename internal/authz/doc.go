// Package authz is keyward's one authorization engine: the action catalog,
// resource names, permission policy documents (parse, validate, compile),
// the managed policies, and the decision whether a service user — or one of
// its keys — may perform an action on a resource, with the statement that
// decided it. The server uses it for every request and `policy check` to
// explain; it holds no state and touches no storage.
//
// Evaluation: a principal's permissions are the union of its own and its
// groups' policies (NewPrincipal). Deny wins over allow; what no statement
// allows is denied. A key of a type may do only what both its user's
// policies and the type's scope policy allow (WithKeyType). Patterns may use
// '*', which matches any run of characters. Resource patterns are pinned to
// their policy's tenant when compiled, so no policy matches another
// tenant's resources — except the system tenant's managed Administrator,
// which applies in every tenant.
//
// Policies are compiled once (Compile, ManagedPolicy) into literal
// prefix/suffix matchers indexed by action; deciding a concrete request
// allocates nothing.
package authz
