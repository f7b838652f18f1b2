// Package apply brings a keyward database to the state a file declares, and
// exports the current state in the same format (internal/manifest).
//
// # Two passes
//
// Build is pass 1: it streams the whole input — a reader goroutine splits
// and parses documents and decodes each object into its kind's spec, while
// the planner compares each with the current state read through the
// Backend — and returns a Plan, or every problem found (each with its
// position and field) and nothing else. It checks the objects on their own
// and against each other: duplicates, tenants that neither exist nor are
// declared, the objects each one names (backend.Referrer: policies,
// groups, owners, scopes, a key's user and type) that will not exist, and
// each kind's cross-object rules (check_<kind>.go, e.g. unique e-mail
// addresses, secret files). With --prune it refuses deletes that would
// leave a reference dangling in an object the input does not declare
// (refs.go). The plan is spooled: kept in memory up to a bound, then in a
// temporary file, so memory stays bounded.
//
// Execute is pass 2: one goroutine reads the plan back and cuts it into
// chunks (backend.MaxChangesPerCall changes, and a byte cap for remote
// backends) while another sends each chunk to Backend.ApplyChanges, one
// transaction each. Kinds go in their registered order (tenants first),
// then the follow-ups — the parts of objects that name objects of their
// own kind declared further down (backend.SameKindSplitter: owners) — and
// deletes (--prune) last, in reverse order. Before a chunk that generates
// access keys, their secret files are created; after it, the secrets are
// written to them (secretfiles.go). Execute reports every change applied;
// after a failure or an interruption the chunks already committed stay,
// the error names the object refused and its position, and running the
// same file again completes the rest, because applied objects then plan
// as unchanged.
//
// # Adding a kind
//
//  1. internal/backend/spec_<kind>.go: the spec type and its RegisterKind
//     (name, order, default, builtin objects, how to load the current ones);
//     References when it names other objects (backend.Referrer), struct
//     tags for identity fields and directives (backend.FieldInfo).
//  2. internal/service/apply_<kind>.go: registerApply with put and delete,
//     reusing the single-object methods' rules and audit events.
//  3. Optionally check_<kind>.go here: registerCheck with rules across
//     objects that the file can break before anything is written.
//
// Reading, validation with positions, diff, dry run, prune, export and the
// JSON of changes then work for the kind with no other change.
package apply
