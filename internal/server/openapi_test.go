package server_test

import (
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/keyward/keyward/internal/server"
)

// openAPIDoc is the part of docs/openapi.yaml the test reads.
type openAPIDoc struct {
	Paths map[string]map[string]yaml.Node `yaml:"paths"`
}

// TestOpenAPIMatchesRoutes: every route the server serves is documented in
// docs/openapi.yaml with its actions, and every documented operation is
// served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{} // "METHOD /path" → x-keyward-actions
	for path, item := range doc.Paths {
		for method, node := range item {
			switch method {
			case "get", "put", "post", "patch", "delete", "head", "options":
			default:
				continue // parameters, summary
			}
			var op struct {
				Actions []string `yaml:"x-keyward-actions"`
			}
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			documented[strings.ToUpper(method)+" "+path] = op.Actions
		}
	}
	served := map[string]bool{}
	for _, rt := range server.Routes() {
		key := rt.Method + " " + rt.Pattern
		served[key] = true
		actions, ok := documented[key]
		if !ok {
			t.Errorf("%s is served but not in docs/openapi.yaml", key)
			continue
		}
		if !slices.Equal(actions, rt.Actions) && !(len(actions) == 0 && len(rt.Actions) == 0) {
			t.Errorf("%s: docs/openapi.yaml says x-keyward-actions %v, the server authorizes %v", key, actions, rt.Actions)
		}
	}
	var extra []string
	for key := range documented {
		if !served[key] {
			extra = append(extra, key)
		}
	}
	sort.Strings(extra)
	for _, key := range extra {
		t.Errorf("%s is in docs/openapi.yaml but not served", key)
	}
}
