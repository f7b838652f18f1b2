package authz

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func TestCatalogIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range Actions() {
		if seen[a.Name] {
			t.Errorf("%s listed twice", a.Name)
		}
		seen[a.Name] = true
		ns, verb, ok := strings.Cut(a.Name, ":")
		if !ok || verb == "" || !slices.Contains(namespaces, ns) || !isKeywardNamespace(ns) {
			t.Errorf("%s: namespace %q is not one of keyward's", a.Name, ns)
		}
		if a.Access != Read && a.Access != Write {
			t.Errorf("%s: access %q", a.Name, a.Access)
		}
		if a.Description == "" || strings.Contains(a.Description, "\n") || a.Resource == "" {
			t.Errorf("%s: needs a one-line description and a resource", a.Name)
		}
		if got, ok := LookupAction(a.Name); !ok || got != a {
			t.Errorf("LookupAction(%q) = %v, %v", a.Name, got, ok)
		}
		if why := validateActionPattern(a.Name); why != "" {
			t.Errorf("%s does not validate: %s", a.Name, why)
		}
	}
	for _, ns := range Namespaces() {
		if !slices.ContainsFunc(catalog, func(a Action) bool { return strings.HasPrefix(a.Name, ns+":") }) {
			t.Errorf("namespace %q has no action", ns)
		}
	}
	if _, ok := LookupAction("key:rotat"); ok {
		t.Error("LookupAction found an unknown action")
	}
	// db:backup exposes the pepper: it must never be a read.
	if a, _ := LookupAction("db:backup"); a.Access != Write {
		t.Error("db:backup must be a write action")
	}
}

func TestActionsReturnsACopy(t *testing.T) {
	Actions()[0].Access = Read
	if a, _ := LookupAction("tenant:create"); a.Access != Write {
		t.Fatal("changing Actions() changed the catalog")
	}
}

func TestMarkdownGolden(t *testing.T) {
	for file, got := range map[string]string{
		"actions.md":   CatalogMarkdown(),
		"resources.md": ResourcesMarkdown(),
	} {
		path := filepath.Join("testdata", file)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s; run go test ./internal/authz -update and review the diff", file, path)
		}
	}
	for _, a := range catalog {
		if !strings.Contains(CatalogMarkdown(), "| `"+a.Name+"` | "+string(a.Access)+" |") {
			t.Errorf("catalog markdown lacks %s", a.Name)
		}
	}
}
