package authz

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"testing"

	"github.com/keyward/keyward/internal/domain"
	"go.yaml.in/yaml/v3"
)

// foreignTenant matches the one reason a valid document may fail to compile:
// an absolute resource pattern that cannot match the compiling tenant.
var foreignTenant = regexp.MustCompile(`^statements\[\d+\]\.resources\[\d+\]$`)

// FuzzParseDocument checks, for any input: parsing never panics; a parse
// error is an invalid *domain.Error; a document that validates compiles
// (unless a pattern names another tenant), survives a JSON and a YAML round
// trip unchanged, and can be decided on. Seeds are in
// testdata/fuzz/FuzzParseDocument.
func FuzzParseDocument(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ParseDocument(data)
		if err != nil {
			if !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("parse error is not invalid input: %v", err)
			}
			return
		}
		if err := doc.Validate(); err != nil {
			if !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("validation error is not invalid input: %v", err)
			}
			return
		}
		p, err := Compile("acme", "fuzz", doc)
		if err != nil {
			var e *domain.Error
			if !errors.As(err, &e) || e.Code != domain.CodeInvalid {
				t.Fatalf("a valid document failed to compile: %v", err)
			}
			for field := range e.Fields {
				if !foreignTenant.MatchString(field) {
					t.Fatalf("a valid document failed to compile: %v", err)
				}
			}
			return
		}
		for _, marshal := range []func(any) ([]byte, error){json.Marshal, yaml.Marshal} {
			out, err := marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ParseDocument(out)
			if err != nil {
				t.Fatalf("re-parse of %q: %v", out, err)
			}
			if !reflect.DeepEqual(normalize(again), normalize(doc)) {
				t.Fatalf("round trip changed the document:\n%#v\n%#v", doc, again)
			}
		}
		who := NewPrincipal("acme", p)
		for _, s := range doc.Statements {
			for _, a := range s.Actions {
				for _, r := range s.Resources {
					who.Decide(a, r)
				}
			}
		}
		AllowedKeyType(who, p)
	})
}

// normalize makes nil and empty lists equal.
func normalize(d Document) Document {
	c := d.Clone()
	if len(c.Statements) == 0 {
		c.Statements = nil
	}
	return c
}
