package domain

import "time"

// PolicyStatement is one statement of a permission policy as stored and
// shown: it allows or denies every action matching one of Actions on every
// resource matching one of Resources. It has the shape of authz.Statement,
// which evaluates it (domain cannot import authz).
type PolicyStatement struct {
	Effect    string   `json:"effect" yaml:"effect"`
	Actions   []string `json:"actions" yaml:"actions"`
	Resources []string `json:"resources" yaml:"resources"`
}

// Policy is a permission policy of a tenant, as `policy show` prints it. The
// managed policies (Administrator, ReadOnly) exist in every tenant, are never
// stored, and have Version 0 and no creation fields. AttachedUsers,
// AttachedGroups and KeyTypes are derived when read and never stored.
type Policy struct {
	Name        string            `json:"name"`
	Tenant      string            `json:"tenant"`
	Managed     bool              `json:"managed"`
	Description string            `json:"description"`
	Statements  []PolicyStatement `json:"statements"`
	// Version counts the policy's changes: 1 when created, +1 per update.
	Version int `json:"version"`
	// AttachedUsers and AttachedGroups hold the policy directly; KeyTypes
	// use it as their scope.
	AttachedUsers  []string   `json:"attachedUsers"`
	AttachedGroups []string   `json:"attachedGroups"`
	KeyTypes       []string   `json:"keyTypes"`
	CreatedAt      *time.Time `json:"createdAt"`
	CreatedBy      *string    `json:"createdBy"`
	UpdatedAt      *time.Time `json:"updatedAt"`
}

// Normalize makes every list non-nil so JSON prints [] rather than null.
func (p *Policy) Normalize() {
	if p.Statements == nil {
		p.Statements = []PolicyStatement{}
	}
	for i := range p.Statements {
		s := &p.Statements[i]
		if s.Actions == nil {
			s.Actions = []string{}
		}
		if s.Resources == nil {
			s.Resources = []string{}
		}
	}
	for _, l := range []*[]string{&p.AttachedUsers, &p.AttachedGroups, &p.KeyTypes} {
		if *l == nil {
			*l = []string{}
		}
	}
}

// Attachments returns how many users and groups hold the policy.
func (p *Policy) Attachments() int { return len(p.AttachedUsers) + len(p.AttachedGroups) }
