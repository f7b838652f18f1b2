package authz

import "sort"

// Access classifies an action: a Read action changes nothing; a Write action
// changes state or exposes a secret. The managed ReadOnly policy allows exactly
// the catalog's Read actions.
type Access string

// The two classes of action.
const (
	Read  Access = "read"
	Write Access = "write"
)

// Action is one of keyward's own operations, as policies name it
// ("key:rotate"). Resource names the resource the server checks the action
// against (see ResourcesMarkdown); Description says what the action permits.
type Action struct {
	Name        string
	Access      Access
	Resource    string
	Description string
}

// Resource templates used in the catalog; <t> is the tenant id.
const (
	resTenant      = "kw:<t>:tenant"
	resServiceUser = "kw:<t>:serviceuser/<id>"
	resKey         = "kw:<t>:serviceuser/<id>/key/<keyid>"
	resKeyType     = "kw:<t>:keytype/<name>"
	resPolicy      = "kw:<t>:policy/<name>"
	resGroup       = "kw:<t>:group/<name>"
	resAudit       = "kw:<t>:audit"
	resDatabase    = "kw:system:db"
)

// catalog is the one list of keyward's actions. Adding an operation to
// keyward means adding its action here; ReadOnly, validation, suggestions and
// docs/ follow from this list.
var catalog = []Action{
	{"tenant:create", Write, resTenant, "Create a tenant (only a system Administrator can name a tenant it does not belong to)."},
	{"tenant:read", Read, resTenant, "Show a tenant and its settings; list tenants."},
	{"tenant:update", Write, resTenant, "Change a tenant's display name or settings."},
	{"tenant:delete", Write, resTenant, "Delete a tenant with everything in it."},

	{"serviceuser:create", Write, resServiceUser, "Create a service user (and its first access key)."},
	{"serviceuser:read", Read, resServiceUser, "Show or list service users, their policies, groups and allowed key types."},
	{"serviceuser:update", Write, resServiceUser, "Change a service user's display name, e-mail, description or CIDR allow list."},
	{"serviceuser:disable", Write, resServiceUser, "Disable a service user: every key and token stops working at once."},
	{"serviceuser:enable", Write, resServiceUser, "Enable a disabled service user."},
	{"serviceuser:delete", Write, resServiceUser, "Delete a service user with its keys; its tokens stop working."},

	{"owner:read", Read, resServiceUser, "List the owners of a service user."},
	{"owner:add", Write, resServiceUser, "Make another service user an owner of this one."},
	{"owner:remove", Write, resServiceUser, "Remove an owner from a service user."},

	{"key:generate", Write, resServiceUser, "Generate an access key for a service user (the secret is shown once)."},
	{"key:read", Read, resKey, "Show or list access keys (masked; never the secret)."},
	{"key:update", Write, resKey, "Change an access key's name, description or expiry."},
	{"key:rotate", Write, resKey, "Replace an access key by a successor, optionally with a grace period."},
	{"key:revoke", Write, resKey, "Delete an access key; its tokens stop working."},
	{"key:activate", Write, resKey, "Activate an inactive access key (respects the active-key limit)."},
	{"key:deactivate", Write, resKey, "Deactivate an access key without deleting it."},
	{"key:restrict", Write, resKey, "Set an access key's CIDR allow list."},
	{"key:verify", Read, resKey, "Check whether a secret belongs to an active, unexpired key."},
	{"key:purge", Write, resServiceUser, "Delete a service user's expired and inactive access keys."},

	{"keytype:create", Write, resKeyType, "Create a key type bound to a scope policy."},
	{"keytype:read", Read, resKeyType, "Show or list key types."},
	{"keytype:update", Write, resKeyType, "Change a key type's display name or scope policy."},
	{"keytype:delete", Write, resKeyType, "Delete a key type."},

	{"policy:create", Write, resPolicy, "Create a custom permission policy."},
	{"policy:read", Read, resPolicy, "Show or list permission policies."},
	{"policy:update", Write, resPolicy, "Change a custom policy's description or statements."},
	{"policy:delete", Write, resPolicy, "Delete a custom policy (with --force, detaching it first)."},
	{"policy:attach", Write, resPolicy, "Attach this policy to a service user or group."},
	{"policy:detach", Write, resPolicy, "Detach this policy from a service user or group."},
	{"policy:check", Read, resServiceUser, "Explain whether a service user may perform an action on a resource."},

	{"group:create", Write, resGroup, "Create a group."},
	{"group:read", Read, resGroup, "Show or list groups and their members."},
	{"group:update", Write, resGroup, "Change a group's description."},
	{"group:delete", Write, resGroup, "Delete a group; its members lose its policies."},
	{"group:add", Write, resGroup, "Add service users to this group."},
	{"group:remove", Write, resGroup, "Remove service users from this group."},

	{"audit:read", Read, resAudit, "Read a tenant's audit events."},

	{"db:info", Read, resDatabase, "Show the database's schema version, size and counts."},
	// A backup holds the hashing pepper and the signing keys, so reading it is
	// as sensitive as changing the database: Write, never granted by ReadOnly.
	{"db:backup", Write, resDatabase, "Write a consistent copy of the database (it holds the pepper and signing keys)."},
	{"signingkey:rotate", Write, resDatabase, "Rotate the token signing key."},
}

// namespaces are the service parts of keyward's own actions. An action in one
// of these namespaces must be in the catalog; any other "service:action" is a
// downstream action and passes through.
var namespaces = []string{"tenant", "serviceuser", "owner", "key", "keytype", "policy", "group", "audit", "db", "signingkey"}

// catalogIndex maps an action name to its position in catalog.
var catalogIndex = func() map[string]int {
	m := make(map[string]int, len(catalog))
	for i, a := range catalog {
		m[a.Name] = i
	}
	return m
}()

// Actions returns keyward's action catalog in its documented order. The slice
// is a copy; changing it changes nothing.
func Actions() []Action {
	return append([]Action(nil), catalog...)
}

// LookupAction returns the catalog entry for name ("key:rotate").
func LookupAction(name string) (Action, bool) {
	i, ok := catalogIndex[name]
	if !ok {
		return Action{}, false
	}
	return catalog[i], true
}

// Namespaces returns keyward's own action namespaces ("key", "policy", …),
// sorted.
func Namespaces() []string {
	ns := append([]string(nil), namespaces...)
	sort.Strings(ns)
	return ns
}

// isKeywardNamespace reports whether ns is one of keyward's own namespaces.
// A switch keeps the hot path (Decide) free of map lookups.
func isKeywardNamespace(ns string) bool {
	switch ns {
	case "tenant", "serviceuser", "owner", "key", "keytype", "policy", "group", "audit", "db", "signingkey":
		return true
	}
	return false
}
