package authz

import "strings"

// Resource names. Every resource keyward authorizes has a name
//
//	kw:<tenant>:<path>
//
// where <tenant> is a tenant id and <path> names the object inside it:
//
//	kw:<t>:tenant                               the tenant itself
//	kw:<t>:serviceuser/<id>                     a service user
//	kw:<t>:serviceuser/<id>/key/<keyid>         one of its access keys
//	kw:<t>:policy/<name>                        a permission policy
//	kw:<t>:group/<name>                         a group
//	kw:<t>:keytype/<name>                       a key type
//	kw:<t>:audit                                the tenant's audit log
//	kw:system:db                                the database (pepper, signing keys)
//
// A request on a collection (a list) names it with "*" as the id, e.g.
// kw:acme:serviceuser/* to list service users: a policy allows it only with
// a pattern that covers every id, and a deny of any one id denies it. Applications that accept keyward tokens use
// their own paths under their tenant (kw:acme:orders/42).
//
// In a policy, a resource pattern that does not start with "kw:" is relative
// to the policy's tenant ("serviceuser/*" in tenant acme is
// "kw:acme:serviceuser/*"), and "*" in a pattern matches any run of
// characters, "/" and ":" included. A policy only ever matches resources of
// its own tenant; see Compile.

// Resource path prefixes, the second part of a resource name.
const (
	pathTenant      = "tenant"
	pathServiceUser = "serviceuser/"
	pathKey         = "/key/"
	pathPolicy      = "policy/"
	pathGroup       = "group/"
	pathKeyType     = "keytype/"
	pathAudit       = "audit"
	pathDatabase    = "db"
)

// resourceScheme starts every absolute resource name.
const resourceScheme = "kw:"

// SystemTenant is the reserved tenant whose Administrators may act in every
// tenant. The database resource (DatabaseResource) belongs to it.
const SystemTenant = "system"

// TenantResource names tenant t itself: kw:<t>:tenant.
func TenantResource(tenant string) string {
	return resourceScheme + tenant + ":" + pathTenant
}

// ServiceUserResource names service user id of tenant t:
// kw:<t>:serviceuser/<id>. Pass "*" as id for the collection.
func ServiceUserResource(tenant, id string) string {
	return resourceScheme + tenant + ":" + pathServiceUser + id
}

// KeyResource names access key keyID of service user user:
// kw:<t>:serviceuser/<user>/key/<keyid>. Pass "*" as keyID for the
// collection of the user's keys.
func KeyResource(tenant, user, keyID string) string {
	return ServiceUserResource(tenant, user) + pathKey + keyID
}

// PolicyResource names permission policy name: kw:<t>:policy/<name>.
func PolicyResource(tenant, name string) string {
	return resourceScheme + tenant + ":" + pathPolicy + name
}

// GroupResource names group name: kw:<t>:group/<name>.
func GroupResource(tenant, name string) string {
	return resourceScheme + tenant + ":" + pathGroup + name
}

// KeyTypeResource names key type name: kw:<t>:keytype/<name>.
func KeyTypeResource(tenant, name string) string {
	return resourceScheme + tenant + ":" + pathKeyType + name
}

// AuditResource names tenant t's audit log: kw:<t>:audit.
func AuditResource(tenant string) string {
	return resourceScheme + tenant + ":" + pathAudit
}

// DatabaseResource names the database: kw:system:db. Only policies of the
// system tenant can match it.
func DatabaseResource() string {
	return resourceScheme + SystemTenant + ":" + pathDatabase
}

// AllResources names every resource of tenant t as one request resource,
// kw:<t>:*, the default of `policy check`. Only patterns that cover the whole
// tenant match it.
func AllResources(tenant string) string {
	return resourceScheme + tenant + ":*"
}

// ResourceTenant returns the tenant of an absolute resource name
// (kw:<tenant>:<path>, tenant a valid tenant id, path not empty).
func ResourceTenant(resource string) (string, bool) {
	if !strings.HasPrefix(resource, resourceScheme) {
		return "", false
	}
	rest := resource[len(resourceScheme):]
	colon := strings.IndexByte(rest, ':')
	if colon < 0 || colon == len(rest)-1 || !ValidTenantID(rest[:colon]) {
		return "", false
	}
	return rest[:colon], true
}

// ResolveResource makes resource absolute: a name that does not start with
// "kw:" is relative to tenant.
func ResolveResource(tenant, resource string) string {
	if strings.HasPrefix(resource, resourceScheme) {
		return resource
	}
	return resourceScheme + tenant + ":" + resource
}

// ValidTenantID reports whether s is a tenant id: [a-z0-9][a-z0-9-]{0,62}.
func ValidTenantID(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
