package backend

import (
	"errors"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

func TestChangeCheck(t *testing.T) {
	ops := Ref{Kind: KindGroup, Tenant: "default", ID: "ops"}
	spec := &GroupSpec{Tenant: "default", Name: "ops"}
	tests := []struct {
		name   string
		change Change
		field  string // "" when Check accepts the change
	}{
		{"put", Change{Op: OpPut, Ref: ops, Spec: spec}, ""},
		{"delete", Change{Op: OpDelete, Ref: ops}, ""},
		{"unknown kind", Change{Op: OpDelete, Ref: Ref{Kind: "Widget", ID: "w"}}, "kind"},
		{"unknown op", Change{Op: "patch", Ref: ops, Spec: spec}, "op"},
		{"put without spec", Change{Op: OpPut, Ref: ops}, "spec"},
		{"spec names another object", Change{Op: OpPut, Ref: ops, Spec: &GroupSpec{Tenant: "default", Name: "dev"}}, "spec"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.change.Check()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Check() = %v; want nil", err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInvalid {
				t.Fatalf("Check() = %v; want an invalid-input error", err)
			}
			if _, ok := de.Fields[tc.field]; !ok {
				t.Fatalf("Check() fields = %v; want %q named", de.Fields, tc.field)
			}
		})
	}
}
