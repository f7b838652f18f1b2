// Package backendtest is the conformance suite of backend.Backend: one set of
// test bodies that every implementation (the local service, the remote
// client against a real server) must pass, so local and remote behave the
// same, errors included.
package backendtest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// Harness builds the implementation under test.
type Harness struct {
	// New returns a backend over a fresh database that has been written once
	// (so the default and system tenants exist). The suite closes it.
	New func(t *testing.T) backend.Backend
	// Advance moves the backend's clock forward (for expiry cases).
	Advance func(d time.Duration)
}

// Run runs every conformance test against h.
func Run(t *testing.T, h Harness) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, backend.Backend)
	}{
		{"TenantLifecycle", testTenantLifecycle},
		{"TenantValidation", testTenantValidation},
		{"TenantReserved", testTenantReserved},
		{"TenantDeleteNeedsForce", testTenantDeleteNeedsForce},
		{"ServiceUserLifecycle", testServiceUserLifecycle},
		{"ServiceUserValidation", testServiceUserValidation},
		{"ServiceUserEmail", testServiceUserEmail},
		{"ServiceUserListFilters", testServiceUserListFilters},
		{"ServiceUserNotFound", testServiceUserNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer failOnMust(t)
			b := h.New(t)
			t.Cleanup(func() { b.Close() })
			tc.fn(t, b)
		})
	}
	for _, ext := range extensions {
		t.Run(ext.name, func(t *testing.T) {
			defer failOnMust(t)
			ext.fn(t, h)
		})
	}
}

// extensions are suites of later features, registered from their own files.
var extensions []struct {
	name string
	fn   func(*testing.T, Harness)
}

func init() { register("AuditOnlyOnSuccess", withBackend(testAuditOnlyOnSuccess)) }

// withBackend adapts a test body that needs one fresh backend.
func withBackend(fn func(*testing.T, backend.Backend)) func(*testing.T, Harness) {
	return func(t *testing.T, h Harness) {
		b := h.New(t)
		t.Cleanup(func() { b.Close() })
		fn(t, b)
	}
}

// register adds a feature's conformance tests to Run.
func register(name string, fn func(*testing.T, Harness)) {
	extensions = append(extensions, struct {
		name string
		fn   func(*testing.T, Harness)
	}{name, fn})
}

var ctx = context.Background()

// wantCode fails unless err is a *domain.Error with code.
func wantCode(t *testing.T, err error, code domain.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("got error %v (code %s), want code %s", err, domain.CodeOf(err), code)
	}
}

// wantField fails unless err is invalid input naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, domain.CodeInvalid)
	var de *domain.Error
	errors.As(err, &de)
	if _, ok := de.Fields[field]; !ok {
		t.Fatalf("error %q does not name field %q (fields %v)", de.Message, field, de.Fields)
	}
}

// must returns v, or fails the running test (through failOnMust) naming
// the caller's line when err is not nil. It takes no *testing.T so that it
// can wrap a call returning (T, error) directly.
func must[T any](v T, err error) T { return mustAt(2, v, err) }

// must3 is must for calls returning (A, B, error); B is dropped.
func must3[A, B any](a A, _ B, err error) A { return mustAt(2, a, err) }

func mustAt[T any](skip int, v T, err error) T {
	if err != nil {
		_, file, line, _ := runtime.Caller(skip)
		panic(mustFailure{fmt.Sprintf("%s:%d: %v", filepath.Base(file), line, err)})
	}
	return v
}

type mustFailure struct{ msg string }

// failOnMust turns a must failure into t.Fatal; deferred by every test body.
func failOnMust(t *testing.T) {
	if r := recover(); r != nil {
		if f, ok := r.(mustFailure); ok {
			t.Fatal(f.msg)
		}
		panic(r)
	}
}

func ptr[T any](v T) *T { return &v }

// auditCount returns the number of events in tenant.
func auditCount(t *testing.T, b backend.Backend, tenant string) int {
	t.Helper()
	return len(must(b.ListAudit(ctx, tenant, backend.AuditFilter{})))
}
