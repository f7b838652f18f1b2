package authz

import (
	"fmt"
	"strings"
)

// resourceKinds documents the resource names keyward authorizes, in the
// order of the resource.go doc comment.
var resourceKinds = []struct{ name, meaning string }{
	{"kw:<t>:tenant", "the tenant itself (tenant:*)"},
	{"kw:<t>:serviceuser/<id>", "a service user (serviceuser:*, owner:*, key:generate, key:purge, policy:check)"},
	{"kw:<t>:serviceuser/<id>/key/<keyid>", "one access key of a service user (key:*)"},
	{"kw:<t>:policy/<name>", "a permission policy (policy:*; attach/detach name the policy being attached)"},
	{"kw:<t>:group/<name>", "a group (group:*; add/remove name the group)"},
	{"kw:<t>:keytype/<name>", "a key type (keytype:*)"},
	{"kw:<t>:audit", "the tenant's audit log (audit:read)"},
	{"kw:system:db", "the database: its pepper and signing keys (db:*, signingkey:rotate)"},
}

// CatalogMarkdown renders the action catalog as a markdown table (Action,
// Access, Resource, Description) for docs/.
func CatalogMarkdown() string {
	var b strings.Builder
	b.WriteString("| Action | Access | Resource | Description |\n")
	b.WriteString("|---|---|---|---|\n")
	for _, a := range catalog {
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", a.Name, a.Access, a.Resource, a.Description)
	}
	return b.String()
}

// ResourcesMarkdown renders keyward's resource names and the rules for
// resource patterns in policies as markdown for docs/.
func ResourcesMarkdown() string {
	var b strings.Builder
	b.WriteString("| Resource | What it names |\n")
	b.WriteString("|---|---|\n")
	for _, k := range resourceKinds {
		fmt.Fprintf(&b, "| `%s` | %s |\n", k.name, k.meaning)
	}
	b.WriteString(`
` + "`<t>`" + ` is a tenant id. A request on a collection (a list) uses ` + "`*`" + ` as the id,
e.g. ` + "`kw:acme:serviceuser/*`" + `: only a pattern covering every id allows it, and
a deny of any one of them denies it.
Applications that accept keyward tokens name their own resources under their
tenant, e.g. ` + "`kw:acme:orders/42`" + `.

In a policy:

- ` + "`*`" + ` matches any run of characters, ` + "`/`" + ` and ` + "`:`" + ` included.
- A pattern that does not start with ` + "`kw:`" + ` is relative to the policy's tenant:
  ` + "`serviceuser/*`" + ` in tenant acme means ` + "`kw:acme:serviceuser/*`" + `, and ` + "`*`" + ` means every
  resource of the tenant.
- A policy only ever matches resources of its own tenant: ` + "`kw:*`" + ` in tenant acme
  matches ` + "`kw:acme:…`" + ` and never ` + "`kw:other:…`" + `. A pattern naming another tenant is
  refused.
- The one exception: the managed ` + "`Administrator`" + ` policy of the reserved ` + "`system`" + `
  tenant applies in every tenant, so a system Administrator may act anywhere.
`)
	return b.String()
}
