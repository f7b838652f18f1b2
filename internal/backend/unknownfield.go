package backend

import (
	"fmt"
	"strings"
)

// UnknownFieldMessage explains an unknown field name of a spec (prefix "")
// or of an object nested in one (prefix "statements[0]."), suggesting the
// field meant: "unknown field; did you mean "cidrAllowList"?", else listing
// the fields there are. object is the object as messages name it
// ("ServiceUser acme/ci-bot") or its kind; topLevel are names a spec's
// top level takes besides its fields (a file's kind and apiVersion).
func UnknownFieldMessage(name string, fields []FieldInfo, prefix, object string, topLevel ...string) string {
	names := make([]string, 0, len(fields)+len(topLevel))
	if prefix == "" {
		names = append(names, topLevel...)
	}
	for _, f := range fields {
		names = append(names, f.Name)
	}
	fieldNames := names[len(names)-len(fields):]
	if best, ok := ClosestName(name, fieldNames); ok {
		return fmt.Sprintf("unknown field; did you mean %q?", best)
	}
	if prefix != "" {
		return fmt.Sprintf("unknown field; the fields of %s are %s", strings.TrimSuffix(prefix, "."), strings.Join(names, ", "))
	}
	kind, _, _ := strings.Cut(object, " ")
	return fmt.Sprintf("unknown field; %s fields are %s", kind, strings.Join(names, ", "))
}

// ClosestName returns the one of names that name is nearest to, ignoring
// case, when it is at most two edits away (a typo, not another word).
func ClosestName(name string, names []string) (string, bool) {
	best, bestDist := "", 3
	for _, n := range names {
		if dist := editDistance(strings.ToLower(name), strings.ToLower(n)); dist < bestDist {
			best, bestDist = n, dist
		}
	}
	return best, best != ""
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
