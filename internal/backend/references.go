package backend

// Reference is one object a spec names: a policy a user or group holds, a
// group a user is in, a user's owner, a key type's scope policy, a key's
// user and type. References stay within the spec's tenant.
type Reference struct {
	// Field is the JSON path that names the object ("policies[1]", "scope").
	Field string
	// To is the object named.
	To Ref
	// Cascade says that deleting To takes care of this reference by itself,
	// as the single-object delete does: a deleted user's keys go with it,
	// and it leaves the owners of other users. Other references keep their
	// object from being pruned.
	Cascade bool
}

// Referrer is implemented by specs that name other objects, so that apply
// can check, before writing anything, that each of them exists or is
// declared, and that --prune deletes none still named.
type Referrer interface {
	// References lists the objects the spec's declared fields name.
	References() []Reference
}

// SameKindSplitter is implemented by specs that may name objects of their
// own kind (a service user's owners). Objects of a kind are applied in
// file order, so a name of one declared further down the file — or in a
// cycle — cannot be set in the object's turn: apply sets it after every
// object of every kind is in place.
type SameKindSplitter interface {
	// SplitSameKind splits the spec when it names objects of its own kind
	// for which pending is true (not there yet in the object's turn): now
	// is the spec whose same-kind lists keep only the names that are not
	// pending — still declared, so a new object gets exactly those at
	// first — and later declares only the whole lists. later is nil when
	// nothing the spec names is pending (now is then the spec itself).
	SplitSameKind(pending func(Ref) bool) (now, later Spec)
}

// ClientSide is implemented by specs with directives that only the client
// acts on, such as the file an access key's new secret is written to.
type ClientSide interface {
	// ForBackend returns the spec without them: what ApplyChanges is sent.
	ForBackend() Spec
}
