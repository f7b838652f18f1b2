package domain

import "time"

// Group is a named set of service users of one tenant with policies: every
// member holds the group's policies as well as its own. Membership is stored
// on the user (ServiceUser.Groups); Members is derived when read.
type Group struct {
	Name        string    `json:"name"`
	Tenant      string    `json:"tenant"`
	Description string    `json:"description"`
	Policies    []string  `json:"policies"`
	Members     []string  `json:"members"`
	CreatedAt   time.Time `json:"createdAt"`
	CreatedBy   string    `json:"createdBy"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// Normalize makes every list non-nil so JSON prints [] rather than null.
func (g *Group) Normalize() {
	for _, l := range []*[]string{&g.Policies, &g.Members} {
		if *l == nil {
			*l = []string{}
		}
	}
}
