package authz

// Effect is what a statement does to the requests it matches. Only the
// lowercase spellings are valid.
type Effect string

// The two effects. Deny wins over Allow; a request no statement allows is
// denied.
const (
	Allow Effect = "allow"
	Deny  Effect = "deny"
)

// Statement allows or denies every action matching one of Actions on every
// resource matching one of Resources. Patterns may contain '*' wildcards.
// Actions are "service:action" strings: keyward's own (see Actions) or any
// downstream application's. Resources are resource names (see
// TenantResource); one not starting with "kw:" is relative to the policy's
// tenant.
type Statement struct {
	Effect    Effect   `json:"effect" yaml:"effect"`
	Actions   []string `json:"actions" yaml:"actions"`
	Resources []string `json:"resources" yaml:"resources"`
}

// Document is a permission policy's content, as written in a policy file
// (YAML or JSON; see ParseDocument) and shown by `policy show`.
type Document struct {
	Description string      `json:"description" yaml:"description"`
	Statements  []Statement `json:"statements" yaml:"statements"`
}

// Clone returns a deep copy of d, so a caller cannot change a compiled
// policy's document through a shared slice.
func (d Document) Clone() Document {
	c := Document{Description: d.Description, Statements: make([]Statement, len(d.Statements))}
	for i, s := range d.Statements {
		c.Statements[i] = Statement{
			Effect:    s.Effect,
			Actions:   append([]string{}, s.Actions...),
			Resources: append([]string{}, s.Resources...),
		}
	}
	return c
}
