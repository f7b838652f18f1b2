package backend

import (
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/cidr"
	"github.com/keyward/keyward/internal/domain"
)

// noNames is the one empty list that complete specs of objects with an
// empty list point to, so that loading many objects allocates none. Specs
// never change a list in place.
var noNames = []string{}

// listOf returns names as a declared list field: a new pointer to names,
// or the shared empty list.
func listOf(names []string) *[]string {
	if len(names) == 0 {
		return &noNames
	}
	return &names
}

// canonicalNames returns names sorted without repeats, as keyward stores
// policies, groups and owners.
func canonicalNames(names []string) *[]string {
	if len(names) == 0 {
		return &noNames
	}
	out := slices.Clone(names)
	slices.Sort(out)
	out = slices.Compact(out)
	return &out
}

// canonicalCIDRs returns a validated CIDR allow list in the form keyward
// stores it (sorted, host addresses as /32 or /128).
func canonicalCIDRs(field string, entries []string) (*[]string, error) {
	parsed, err := cidr.ParseList(field, entries)
	if err != nil {
		return nil, err
	}
	return listOf(cidr.Format(parsed)), nil
}

// checkNames checks each name of a list field with check, naming the
// refused entry by its index ("groups[1]").
func checkNames(v *domain.Validation, field string, names *[]string, check func(field, name string) error) {
	if names == nil {
		return
	}
	for i, n := range *names {
		item := fmt.Sprintf("%s[%d]", field, i)
		v.AddError(item, check(item, n))
	}
}

// listRefs returns the references of a list field naming objects of kind.
func listRefs(out []Reference, field string, names *[]string, kind, tenant string, cascade bool) []Reference {
	if names == nil {
		return out
	}
	for i, n := range *names {
		out = append(out, Reference{Field: fmt.Sprintf("%s[%d]", field, i), To: Ref{Kind: kind, Tenant: tenant, ID: n}, Cascade: cascade})
	}
	return out
}
