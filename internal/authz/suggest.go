package authz

import (
	"fmt"
	"strings"
)

// unknownActionMessage explains why name, an action in one of keyward's
// namespaces, is not in the catalog, suggesting the nearest catalog name when
// one is close, else listing the namespace's actions.
func unknownActionMessage(name string) string {
	if best, ok := nearestAction(name); ok {
		return fmt.Sprintf("unknown keyward action %q; did you mean %q?", name, best)
	}
	ns, _, _ := strings.Cut(name, ":")
	return fmt.Sprintf("unknown keyward action %q; %s", name, namespaceActions(strings.ToLower(ns)))
}

// namespaceActions lists the actions of keyward namespace ns for a message.
func namespaceActions(ns string) string {
	var verbs []string
	for _, a := range catalog {
		if n, verb, _ := strings.Cut(a.Name, ":"); n == ns {
			verbs = append(verbs, verb)
		}
	}
	return fmt.Sprintf("%s actions are %s", ns, strings.Join(verbs, ", "))
}

// nearestAction returns the catalog action closest to name by edit distance
// (ignoring case), when it is close enough to be a plausible typo.
func nearestAction(name string) (string, bool) {
	lower := strings.ToLower(name)
	best, bestDist := "", -1
	for _, a := range catalog {
		if d := editDistance(lower, a.Name); bestDist < 0 || d < bestDist {
			best, bestDist = a.Name, d
		}
	}
	limit := len(name) / 3
	if limit < 2 {
		limit = 2
	}
	return best, bestDist <= limit
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
