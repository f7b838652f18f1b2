package authz

import "strings"

// glob is a compiled wildcard pattern: '*' matches any run of bytes,
// including '/' and ':'; every other byte matches itself. Compilation splits
// the pattern once into a literal prefix, the literal pieces between stars and
// a literal suffix, so matching is a few prefix/suffix compares and
// strings.Index calls: no regexp, no allocation.
type glob struct {
	pattern string
	// exact is set for a pattern without '*': it matches only itself.
	exact  bool
	prefix string
	middle []string // non-empty literal pieces between stars, in order
	suffix string
	minLen int // len(prefix) + len(suffix) + every middle piece
}

// compileGlob splits pattern at its stars.
func compileGlob(pattern string) glob {
	g := glob{pattern: pattern}
	first := strings.IndexByte(pattern, '*')
	if first < 0 {
		g.exact = true
		g.prefix = pattern
		g.minLen = len(pattern)
		return g
	}
	last := strings.LastIndexByte(pattern, '*')
	g.prefix = pattern[:first]
	g.suffix = pattern[last+1:]
	g.minLen = len(g.prefix) + len(g.suffix)
	for _, piece := range strings.Split(pattern[first+1:last+1], "*") {
		if piece != "" {
			g.middle = append(g.middle, piece)
			g.minLen += len(piece)
		}
	}
	return g
}

// match reports whether s is in the pattern's language. Taking the leftmost
// occurrence of each middle piece is optimal for star-only patterns: any later
// occurrence leaves less room for the pieces that follow.
func (g *glob) match(s string) bool {
	if g.exact {
		return s == g.prefix
	}
	if len(s) < g.minLen {
		return false
	}
	// Comparing the suffix's last byte first rejects most strings without a
	// call to the runtime's memequal.
	if n := len(g.suffix); n > 0 && (s[len(s)-1] != g.suffix[n-1] || s[len(s)-n:] != g.suffix) {
		return false
	}
	if s[:len(g.prefix)] != g.prefix {
		return false
	}
	s = s[len(g.prefix) : len(s)-len(g.suffix)]
	for _, piece := range g.middle {
		i := strings.Index(s, piece)
		if i < 0 {
			return false
		}
		s = s[i+len(piece):]
	}
	return true
}

// matchAny reports whether any of globs matches s.
func matchAny(globs []glob, s string) bool {
	for i := range globs {
		if globs[i].match(s) {
			return true
		}
	}
	return false
}

// hasWildcard reports whether pattern contains '*'.
func hasWildcard(pattern string) bool {
	return strings.IndexByte(pattern, '*') >= 0
}
