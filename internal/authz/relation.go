package authz

import "strings"

// Relations between wildcard patterns, used to decide which key types a user
// may hold (AllowedKeyType) and to pin resource patterns to a tenant. Both are
// exact for star-only patterns over arbitrary bytes.

// contains reports whether L(inner) ⊆ L(outer): every string inner matches,
// outer matches too.
//
// It is decided by one match: outer must match the text of inner itself, with
// inner's stars read as the literal byte '*'. Why that is exact: outer has no
// literal '*', so in any match of that text each of inner's stars is swallowed
// by one of outer's stars; replace the star by any string and outer's star
// swallows that instead, so outer matches every instance of inner. Conversely
// the text is itself a string inner matches (a star matches "*"), so if outer
// matches every instance of inner it matches this one.
func contains(outer, inner string) bool {
	g := compileGlob(outer)
	return g.match(inner)
}

// globsOverlap reports whether L(a) ∩ L(b) ≠ ∅: some string matches both.
//
// When both patterns have a star, a common string exists exactly when their
// literal prefixes agree (one is a prefix of the other) and their literal
// suffixes agree (one is a suffix of the other): the longer prefix, then every
// middle piece of a, then every middle piece of b, then the longer suffix is
// matched by both, each pattern's stars swallowing the other's pieces. When
// one pattern is literal, the other must match it.
func globsOverlap(a, b *glob) bool {
	switch {
	case a.exact:
		return b.match(a.pattern)
	case b.exact:
		return a.match(b.pattern)
	}
	return (strings.HasPrefix(a.prefix, b.prefix) || strings.HasPrefix(b.prefix, a.prefix)) &&
		(strings.HasSuffix(a.suffix, b.suffix) || strings.HasSuffix(b.suffix, a.suffix))
}

// quotient returns the patterns q such that L(q) = { s : lit+s ∈ L(p) },
// the suffixes p can still match after it consumed the literal string lit.
// It simulates p's automaton (a state is a position in p; a star loops) on
// lit. The result is empty when p cannot start with lit; it has more than one
// pattern only when a star straddles the end of lit in more than one way.
// Patterns contained in another of the result are dropped.
func quotient(p, lit string) []string {
	states := closeStars(p, []int{0})
	for i := 0; i < len(lit) && len(states) > 0; i++ {
		var next []int
		for _, s := range states {
			switch {
			case s == len(p):
			case p[s] == '*':
				next = addState(next, s)
			case p[s] == lit[i]:
				next = addState(next, s+1)
			}
		}
		states = closeStars(p, next)
	}
	var out []string
	for _, s := range states {
		out = addPattern(out, p[s:])
	}
	return out
}

// closeStars adds, for every state at a star, the state after it (the star
// matching the empty string).
func closeStars(p string, states []int) []int {
	for i := 0; i < len(states); i++ {
		if s := states[i]; s < len(p) && p[s] == '*' {
			states = addState(states, s+1)
		}
	}
	return states
}

func addState(states []int, s int) []int {
	for _, t := range states {
		if t == s {
			return states
		}
	}
	return append(states, s)
}

// addPattern adds q to the union pats unless a member contains it, dropping
// the members q contains.
func addPattern(pats []string, q string) []string {
	for _, p := range pats {
		if contains(p, q) {
			return pats
		}
	}
	kept := pats[:0]
	for _, p := range pats {
		if !contains(q, p) {
			kept = append(kept, p)
		}
	}
	return append(kept, q)
}
