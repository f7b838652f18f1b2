package authz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// policiesDoc is the user guide whose action and resource tables come from
// this package.
var policiesDoc = filepath.Join("..", "..", "docs", "policies.md")

// TestPoliciesDocIsGenerated keeps the generated sections of
// docs/policies.md equal to CatalogMarkdown and ResourcesMarkdown; -update
// rewrites them.
func TestPoliciesDocIsGenerated(t *testing.T) {
	raw, err := os.ReadFile(policiesDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	want := doc
	for _, section := range []struct{ marker, body string }{
		{"authz.CatalogMarkdown()", CatalogMarkdown()},
		{"authz.ResourcesMarkdown()", ResourcesMarkdown()},
	} {
		var ok bool
		if want, ok = replaceGenerated(want, section.marker, section.body); !ok {
			t.Fatalf("%s has no generated section for %s", policiesDoc, section.marker)
		}
	}
	if want == doc {
		return
	}
	if *update {
		if err := os.WriteFile(policiesDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with the catalog; run: go test ./internal/authz -run TestPoliciesDoc -update", policiesDoc)
}

// replaceGenerated replaces the body between the line
// "<!-- BEGIN GENERATED: marker ... -->" and the next "<!-- END GENERATED -->".
func replaceGenerated(doc, marker, body string) (string, bool) {
	begin := strings.Index(doc, "<!-- BEGIN GENERATED: "+marker)
	if begin < 0 {
		return doc, false
	}
	bodyStart := begin + strings.Index(doc[begin:], "\n") + 1
	end := strings.Index(doc[bodyStart:], "<!-- END GENERATED -->")
	if end < 0 {
		return doc, false
	}
	return doc[:bodyStart] + body + doc[bodyStart+end:], true
}
