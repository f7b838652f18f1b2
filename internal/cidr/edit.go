package cidr

import (
	"net/netip"
	"slices"

	"github.com/keyward/keyward/internal/domain"
)

// Add returns list with the prefixes of more added, in canonical form, for
// `key restrict --add`. Both are canonical lists (from [ParseList]); adding a
// prefix already present changes nothing. A result of more than MaxEntries
// entries is refused with a *domain.Error of CodeInvalid for field. list is
// not modified.
func Add(field string, list, more []netip.Prefix) ([]netip.Prefix, error) {
	merged := make([]netip.Prefix, 0, len(list)+len(more))
	merged = canonicalOrder(append(append(merged, list...), more...))
	if len(merged) > MaxEntries {
		return nil, domain.Invalid(field, "%d entries; at most %d allowed", len(merged), MaxEntries)
	}
	return merged, nil
}

// Remove returns list without the prefixes of some, for `key restrict
// --remove`. Both are canonical lists (from [ParseList]), so "10.0.0.1"
// removes 10.0.0.1/32. A prefix of some that list does not hold is refused
// with a *domain.Error of CodeInvalid for field naming it, and nothing is
// removed. list is not modified.
//
// Removing every entry gives an empty list, which allows any address:
// callers should make that widening plain to the user.
func Remove(field string, list, some []netip.Prefix) ([]netip.Prefix, error) {
	for _, p := range some {
		if !slices.Contains(list, p) {
			return nil, domain.Invalid(field, "%q: not in the list", p.String())
		}
	}
	kept := make([]netip.Prefix, 0, len(list))
	for _, p := range list {
		if !slices.Contains(some, p) {
			kept = append(kept, p)
		}
	}
	return kept, nil
}
