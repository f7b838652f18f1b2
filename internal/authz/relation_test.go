package authz

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestContains(t *testing.T) {
	tests := []struct {
		outer, inner string
		want         bool
	}{
		{"*", "*", true},
		{"*", "", true},
		{"*", "key:*", true},
		{"key:*", "*", false},
		{"key:*", "key:rotate", true},
		{"key:*", "key:r*", true},
		{"key:r*", "key:*", false},
		{"*:read", "key:read", true},
		{"*:read", "*:read", true},
		{"*:read", "*read", false}, // "xread" is in inner, not in outer
		{"*read", "*:read", true},
		{"a*", "a*b", true},
		{"*b", "a*b", true},
		{"a*b", "a*", false},
		{"a*b", "ab", true},
		{"a*b", "a*b*b", true},
		{"a*b*b", "a*b", false}, // "ab"
		{"*a*", "*a*a*", true},
		{"*a*a*", "*a*", false},
		{"*ab*", "*a*b*", false}, // "aXb"
		{"*a*b*", "*ab*", true},
		{"kw:acme:*", "kw:acme:serviceuser/*", true},
		{"kw:acme:serviceuser/*", "kw:acme:*", false},
		{"kw:*:*", "kw:acme:serviceuser/*", true},
		{"kw:acme:serviceuser/*/key/*", "kw:acme:serviceuser/bot/key/*", true},
		{"kw:acme:serviceuser/*/key/*", "kw:acme:serviceuser/*", false},
		{"", "", true},
		{"", "*", false},
		{"abc", "abc", true},
		{"abc", "ab*", false},
	}
	for _, tt := range tests {
		if got := contains(tt.outer, tt.inner); got != tt.want {
			t.Errorf("contains(%q, %q) = %v, want %v", tt.outer, tt.inner, got, tt.want)
		}
		if ref := refContains(tt.outer, tt.inner); ref != tt.want {
			t.Errorf("reference contains(%q, %q) = %v, want %v (bad test case)", tt.outer, tt.inner, ref, tt.want)
		}
	}
}

func TestOverlaps(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"*", "*", true},
		{"*", "", true},
		{"key:*", "*:read", true},
		{"key:*", "keytype:*", false},
		{"key*", "keytype:*", true},
		{"key:*", "key:read", true},
		{"key:*", "policy:read", false},
		{"a*", "*b", true},
		{"a*", "b*", false},
		{"*a", "*b", false},
		{"a*c", "ab*", true},
		{"ab*", "a*c", true},
		{"a*b*c", "*x*", true},
		{"abc", "a*c", true},
		{"abc", "a*d", false},
		{"kw:acme:serviceuser/admin*", "kw:acme:serviceuser/*", true},
		{"kw:acme:serviceuser/admin*", "kw:acme:policy/*", false},
		{"kw:acme:*", "kw:other:*", false},
		{"kw:*:db", "kw:system:*", true},
		{"*/key/*", "kw:acme:serviceuser/bot", false},
		{"", "", true},
		{"", "a", false},
	}
	for _, tt := range tests {
		for _, pair := range [][2]string{{tt.a, tt.b}, {tt.b, tt.a}} {
			if got := overlaps(pair[0], pair[1]); got != tt.want {
				t.Errorf("overlaps(%q, %q) = %v, want %v", pair[0], pair[1], got, tt.want)
			}
			if ref := refOverlaps(pair[0], pair[1]); ref != tt.want {
				t.Errorf("reference overlaps(%q, %q) = %v, want %v (bad test case)", pair[0], pair[1], ref, tt.want)
			}
		}
	}
}

func TestQuotient(t *testing.T) {
	tests := []struct {
		p, lit string
		want   []string
	}{
		{"kw:*", "kw:acme:", []string{"*"}},
		{"kw:acme:serviceuser/*", "kw:acme:", []string{"serviceuser/*"}},
		{"kw:other:serviceuser/*", "kw:acme:", nil},
		{"kw:*:serviceuser/*", "kw:acme:", []string{"*:serviceuser/*", "serviceuser/*"}},
		{"kw:a*:x", "kw:acme:", []string{"*:x", "x"}},
		{"kw:b*:x", "kw:acme:", nil},
		{"kw:*e:*", "kw:acme:", []string{"*"}}, // "*e:*" is contained in "*"
		{"kw:acme:", "kw:acme:", []string{""}},
		{"*", "kw:acme:", []string{"*"}},
		{"kw:*/key/*", "kw:acme:", []string{"*/key/*"}},
	}
	for _, tt := range tests {
		got := quotient(tt.p, tt.lit)
		if !slices.Equal(got, tt.want) {
			t.Errorf("quotient(%q, %q) = %q, want %q", tt.p, tt.lit, got, tt.want)
		}
	}
}

// TestRelationsAgainstReference compares the fast relations with slow,
// obviously exact automaton constructions on many random small patterns.
func TestRelationsAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pattern := func() string {
		n := rng.IntN(7)
		var b strings.Builder
		for range n {
			b.WriteByte("ab*"[rng.IntN(3)])
		}
		return b.String()
	}
	words := allWords("ab", 6)
	for range 20000 {
		p, q := pattern(), pattern()
		if got, want := contains(p, q), refContains(p, q); got != want {
			t.Fatalf("contains(%q, %q) = %v, reference says %v", p, q, got, want)
		}
		if got, want := overlaps(p, q), refOverlaps(p, q); got != want {
			t.Fatalf("overlaps(%q, %q) = %v, reference says %v", p, q, got, want)
		}
		g := compileGlob(p)
		w := words[rng.IntN(len(words))]
		if got, want := g.match(w), refMatch(p, w); got != want {
			t.Fatalf("match(%q, %q) = %v, reference says %v", p, w, got, want)
		}
		lit := strings.ReplaceAll(q, "*", "")
		quo := quotient(p, lit)
		for _, w := range words {
			want := refMatch(p, lit+w)
			got := false
			for _, r := range quo {
				got = got || refMatch(r, w)
			}
			if got != want {
				t.Fatalf("quotient(%q, %q) = %q: on %q got %v, want %v", p, lit, quo, w, got, want)
			}
		}
	}
}

func allWords(alphabet string, maxLen int) []string {
	words := []string{""}
	for i := 0; i < len(words); i++ {
		if len(words[i]) == maxLen {
			continue
		}
		for _, c := range alphabet {
			words = append(words, words[i]+string(c))
		}
	}
	return words
}

// refMatch is a textbook dynamic program for star-only patterns.
func refMatch(p, s string) bool {
	// m[i][j]: p[i:] matches s[j:]
	m := make([][]bool, len(p)+1)
	for i := range m {
		m[i] = make([]bool, len(s)+1)
	}
	m[len(p)][len(s)] = true
	for i := len(p) - 1; i >= 0; i-- {
		for j := len(s); j >= 0; j-- {
			if p[i] == '*' {
				m[i][j] = m[i+1][j] || (j < len(s) && m[i][j+1])
			} else {
				m[i][j] = j < len(s) && p[i] == s[j] && m[i+1][j+1]
			}
		}
	}
	return m[0][0]
}

// nfaStep and nfaStart run a pattern's automaton on sets of positions.
func nfaStart(p string) []int { return closeStars(p, []int{0}) }

func nfaStep(p string, states []int, c byte) []int {
	var next []int
	for _, s := range states {
		switch {
		case s == len(p):
		case p[s] == '*':
			next = addState(next, s)
		case p[s] == c:
			next = addState(next, s+1)
		}
	}
	next = closeStars(p, next)
	slices.Sort(next)
	return next
}

// refAlphabet is every byte of the patterns plus one fresh byte standing for
// all others.
func refAlphabet(ps ...string) []byte {
	var set []byte
	for _, p := range ps {
		for i := 0; i < len(p); i++ {
			if p[i] != '*' && !slices.Contains(set, p[i]) {
				set = append(set, p[i])
			}
		}
	}
	return append(set, 0)
}

// refExplore walks the product of both patterns' determinized automata and
// reports whether some reachable state satisfies bad.
func refExplore(a, b string, bad func(accA, accB bool) bool, deadB bool) bool {
	type state struct{ a, b string }
	key := func(x, y []int) state { return state{string(toBytes(x)), string(toBytes(y))} }
	sigma := refAlphabet(a, b)
	startA, startB := nfaStart(a), nfaStart(b)
	slices.Sort(startA)
	slices.Sort(startB)
	seen := map[state]bool{key(startA, startB): true}
	queue := [][2][]int{{startA, startB}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if bad(slices.Contains(cur[0], len(a)), slices.Contains(cur[1], len(b))) {
			return true
		}
		for _, c := range sigma {
			na, nb := nfaStep(a, cur[0], c), nfaStep(b, cur[1], c)
			if len(na) == 0 || (!deadB && len(nb) == 0) {
				continue
			}
			if k := key(na, nb); !seen[k] {
				seen[k] = true
				queue = append(queue, [2][]int{na, nb})
			}
		}
	}
	return false
}

func toBytes(xs []int) []byte {
	b := make([]byte, len(xs))
	for i, x := range xs {
		b[i] = byte(x)
	}
	return b
}

// refContains: no word reaches "inner accepts, outer does not".
func refContains(outer, inner string) bool {
	return !refExplore(inner, outer, func(accInner, accOuter bool) bool { return accInner && !accOuter }, true)
}

// refOverlaps: some word reaches "both accept".
func refOverlaps(a, b string) bool {
	return refExplore(a, b, func(accA, accB bool) bool { return accA && accB }, false)
}

// overlaps is globsOverlap for pattern texts.
func overlaps(a, b string) bool {
	ga, gb := compileGlob(a), compileGlob(b)
	return globsOverlap(&ga, &gb)
}
