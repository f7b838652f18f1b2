package apply_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apply"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/manifest"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
)

var ctx = context.Background()

func newService(t *testing.T) *service.Service {
	t.Helper()
	db, err := boltstore.Open(filepath.Join(t.TempDir(), "keyward.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s := service.New(db, service.Options{Now: func() time.Time { return clock }, Actor: "local:test"})
	t.Cleanup(func() { s.Close() })
	return s
}

// countingBackend counts ApplyChanges calls and fails the one numbered failAt.
type countingBackend struct {
	backend.Backend
	calls  int
	sizes  []int
	failAt int
}

func (c *countingBackend) ApplyChanges(ctx context.Context, changes []backend.Change) ([]backend.ChangeResult, error) {
	c.calls++
	c.sizes = append(c.sizes, len(changes))
	if c.calls == c.failAt {
		return nil, domain.Conflict("injected failure")
	}
	return c.Backend.ApplyChanges(ctx, changes)
}

func build(t *testing.T, b backend.Backend, src string, opts apply.BuildOptions) *apply.Plan {
	t.Helper()
	if opts.DefaultTenant == "" {
		opts.DefaultTenant = "default"
	}
	plan, err := apply.Build(ctx, b, manifest.Source{Name: "in.yaml", R: strings.NewReader(src)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { plan.Close() })
	return plan
}

func run(t *testing.T, b backend.Backend, src string, bo apply.BuildOptions, eo apply.ExecuteOptions) apply.Counts {
	t.Helper()
	done, err := apply.Execute(ctx, b, build(t, b, src, bo), eo)
	if err != nil {
		t.Fatal(err)
	}
	return done
}

func users(tenant string, n int, extra string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "---\nkind: ServiceUser\ntenant: %s\nid: u%03d\nemail: u%03d@example.com\n%s", tenant, i, i, extra)
	}
	return b.String()
}

func TestApplyIsIdempotent(t *testing.T) {
	s := newService(t)
	src := "kind: Tenant\nid: acme\nsettings: {requireEmail: true}\n" + users("acme", 5, "")
	if got := run(t, s, src, apply.BuildOptions{}, apply.ExecuteOptions{}); got != (apply.Counts{Create: 6}) {
		t.Fatalf("first apply = %+v", got)
	}
	plan := build(t, s, src, apply.BuildOptions{})
	if plan.Counts != (apply.Counts{Unchanged: 6}) {
		t.Fatalf("second plan = %+v", plan.Counts)
	}
	counting := &countingBackend{Backend: s}
	if _, err := apply.Execute(ctx, counting, plan, apply.ExecuteOptions{}); err != nil || counting.calls != 0 {
		t.Fatalf("a plan without changes called the backend %d times (%v)", counting.calls, err)
	}
	// An edited file updates only what changed.
	edited := strings.Replace(src, "email: u003@example.com", "email: u003@example.com\ndisplayName: Three", 1)
	plan = build(t, s, edited, apply.BuildOptions{})
	var updates []string
	plan.Each(func(e apply.Entry) error {
		if e.Action == backend.ActionUpdate {
			updates = append(updates, fmt.Sprintf("%s %+v", e.Ref, e.Changes))
		}
		return nil
	})
	if len(updates) != 1 || updates[0] != `ServiceUser acme/u003 [{Field:displayName From:u003 To:Three}]` {
		t.Fatalf("updates = %v", updates)
	}
}

func TestApplyChunksAndSpool(t *testing.T) {
	s := newService(t)
	counting := &countingBackend{Backend: s}
	var applied []string
	done := run(t, counting, users("default", 10, ""), apply.BuildOptions{SpoolInMemory: 3},
		apply.ExecuteOptions{ChunkSize: 4, Applied: func(e apply.Entry, r backend.ChangeResult) { applied = append(applied, e.Ref.ID) }})
	if done.Create != 10 || fmt.Sprint(counting.sizes) != "[4 4 2]" {
		t.Fatalf("done %+v in chunks %v", done, counting.sizes)
	}
	if got := strings.Join(applied, ","); got != "u001,u002,u003,u004,u005,u006,u007,u008,u009,u010" {
		t.Fatalf("applied in order %s", got)
	}
	// A byte cap cuts chunks too.
	counting = &countingBackend{Backend: newService(t)}
	run(t, counting, users("default", 10, "description: "+strings.Repeat("x", 100)+"\n"), apply.BuildOptions{}, apply.ExecuteOptions{MaxChunkBytes: 700})
	if len(counting.sizes) < 3 {
		t.Fatalf("byte-capped chunks %v", counting.sizes)
	}
}

func TestApplyInterruptedCompletesOnRerun(t *testing.T) {
	s := newService(t)
	src := users("default", 10, "")
	failing := &countingBackend{Backend: s, failAt: 2}
	var applied int
	_, err := apply.Execute(ctx, failing, build(t, failing, src, apply.BuildOptions{}),
		apply.ExecuteOptions{ChunkSize: 4, Applied: func(apply.Entry, backend.ChangeResult) { applied++ }})
	var partial *apply.PartialError
	if !errors.As(err, &partial) || partial.Applied != 4 || partial.Total != 10 || applied != 4 || domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("err = %v (applied %d)", err, applied)
	}
	if got := must(s.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{})); len(got) != 4 {
		t.Fatalf("after the failure %d users exist, want the first chunk's 4", len(got))
	}
	done := run(t, s, src, apply.BuildOptions{}, apply.ExecuteOptions{})
	if done != (apply.Counts{Create: 6, Unchanged: 4}) {
		t.Fatalf("re-run = %+v", done)
	}
}

func TestApplyPrune(t *testing.T) {
	s := newService(t)
	run(t, s, "kind: Tenant\nid: acme\n---\nkind: Tenant\nid: other\n"+users("acme", 4, "")+users("other", 2, "")+users("default", 1, ""), apply.BuildOptions{}, apply.ExecuteOptions{})
	// Without --prune nothing is deleted.
	if plan := build(t, s, users("acme", 2, ""), apply.BuildOptions{}); plan.Counts.Delete != 0 {
		t.Fatalf("plan without prune deletes %d", plan.Counts.Delete)
	}
	plan := build(t, s, "kind: Tenant\nid: other\n"+users("acme", 2, ""), apply.BuildOptions{Prune: true})
	var deletes []string
	for _, e := range plan.Deletes() {
		deletes = append(deletes, e.Ref.String())
	}
	// acme/u003, acme/u004 and everything in other (named by its Tenant);
	// never the default tenant's users, nor tenants.
	want := "ServiceUser acme/u003,ServiceUser acme/u004,ServiceUser other/u001,ServiceUser other/u002"
	if strings.Join(deletes, ",") != want {
		t.Fatalf("deletes = %v", deletes)
	}
	if got := apply.Describe(plan.Deletes()); got != "4 ServiceUsers (acme/u003, acme/u004, other/u001, other/u002)" {
		t.Fatalf("describe = %q", got)
	}
	done, err := apply.Execute(ctx, s, plan, apply.ExecuteOptions{})
	if err != nil || done.Delete != 4 {
		t.Fatalf("done %+v, %v", done, err)
	}
	if got := must(s.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{})); len(got) != 1 {
		t.Fatal("prune touched a tenant the file does not name")
	}
	// A file of tenants only prunes nothing.
	if plan := build(t, s, "kind: Tenant\nid: acme\n", apply.BuildOptions{Prune: true}); len(plan.Deletes()) != 0 {
		t.Fatalf("tenant-only file prunes %v", plan.Deletes())
	}
}

func problems(t *testing.T, b backend.Backend, src string) []string {
	t.Helper()
	_, err := apply.Build(ctx, b, manifest.Source{Name: "in.yaml", R: strings.NewReader(src)}, apply.BuildOptions{DefaultTenant: "default"})
	var invalid *apply.InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("Build: %v, want an *InvalidError", err)
	}
	if domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("code %s", domain.CodeOf(err))
	}
	var out []string
	for _, p := range invalid.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestApplyCrossObjectChecks(t *testing.T) {
	s := newService(t)
	run(t, s, users("default", 3, ""), apply.BuildOptions{}, apply.ExecuteOptions{})
	for _, tc := range []struct {
		name, src, want string
	}{
		{"duplicate object", "kind: ServiceUser\nid: a\n---\nkind: ServiceUser\nid: a\n",
			"in.yaml:4: document 2: ServiceUser default/a: id: declared twice; first in document 1 (line 1)"},
		{"address twice in the file", "kind: ServiceUser\nid: a\nemail: x@example.com\n---\nkind: ServiceUser\nid: b\nemail: X@example.com\n",
			`in.yaml:7: document 2: ServiceUser default/b: email: "X@example.com" is also given to service user "a" (line 3); addresses are unique in a tenant`},
		{"address of a user not in the file", "kind: ServiceUser\nid: new\nemail: u001@example.com\n",
			`in.yaml:3: document 1: ServiceUser default/new: email: "u001@example.com" is already used by service user "u001"`},
		{"address released later in the file", "kind: ServiceUser\nid: new\nemail: u001@example.com\n---\nkind: ServiceUser\nid: u001\nemail: null\n",
			`in.yaml:3: document 1: ServiceUser default/new: email: "u001@example.com" still belongs to service user "u001", which gives it up only later in the file (line 5); declare "u001" first`},
		{"tenant missing", "kind: ServiceUser\ntenant: ghost\nid: a\n",
			`in.yaml:2: document 1: ServiceUser ghost/a: tenant: tenant "ghost" does not exist; declare it with a Tenant object in the file or create it first`},
		{"requireGroup, set in the file", "kind: Tenant\nid: grouped\nsettings: {requireGroup: true}\n---\nkind: ServiceUser\ntenant: grouped\nid: a\n",
			`in.yaml:5: document 2: ServiceUser grouped/a: groups: at least one group is required in tenant "grouped" (setting requireGroup)`},
		{"requireEmail set later in the file", "kind: ServiceUser\ntenant: acme\nid: a\n---\nkind: Tenant\nid: acme\nsettings:\n  requireEmail: true\n",
			`in.yaml:1: document 1: ServiceUser acme/a: email: is required in tenant "acme" (setting requireEmail)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, s, tc.src)
			if len(got) != 1 || got[0] != tc.want {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), tc.want)
			}
		})
	}
	// Released earlier in the file: fine. Swapped within the file: fine
	// when each releases before the other claims.
	run(t, s, "kind: ServiceUser\nid: u001\nemail: null\n---\nkind: ServiceUser\nid: new\nemail: u001@example.com\n", apply.BuildOptions{}, apply.ExecuteOptions{})
	if u := must(s.GetServiceUser(ctx, "default", "new")); u.Email == nil || *u.Email != "u001@example.com" {
		t.Fatalf("moved address: %+v", u)
	}
	if got := must(s.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{})); len(got) != 4 {
		t.Fatalf("users = %d", len(got))
	}
}

func TestExportRoundTrip(t *testing.T) {
	s := newService(t)
	src := `kind: Tenant
id: acme
name: Acme
settings: {requireEmail: true, keyTtlMax: 180d}
---
kind: Tenant
id: default
settings: {tokenTtl: 15m}
` + users("acme", 3, "description: \"yes\"\nstatus: disabled\n") + users("default", 2, "")
	run(t, s, src, apply.BuildOptions{}, apply.ExecuteOptions{})
	export := func(b backend.Backend, tenant string) string {
		var buf bytes.Buffer
		w := manifest.NewWriter(&buf, manifest.YAML)
		if err := apply.Export(ctx, b, w, tenant); err != nil {
			t.Fatal(err)
		}
		w.Close()
		return buf.String()
	}
	first := export(s, "")
	if strings.Contains(first, "id: system") || !strings.Contains(first, "id: default\nname: default\nsettings:") {
		t.Fatalf("untouched system exported or changed default not:\n%s", first)
	}
	if strings.Contains(first, "createdAt") || strings.Contains(first, "updatedAt") {
		t.Fatalf("generated fields exported:\n%s", first)
	}
	// Applying the export changes nothing; onto an empty database it
	// recreates the same state.
	if plan := build(t, s, first, apply.BuildOptions{}); plan.Counts.Changes() != 0 {
		t.Fatalf("export re-applied plans %+v", plan.Counts)
	}
	fresh := newService(t)
	run(t, fresh, first, apply.BuildOptions{}, apply.ExecuteOptions{})
	if second := export(fresh, ""); second != first {
		t.Fatalf("round trip differs:\n%s\n---- vs ----\n%s", first, second)
	}
	if only := export(s, "acme"); strings.Contains(only, "tenant: default") || !strings.Contains(only, "id: acme") {
		t.Fatalf("export of acme:\n%s", only)
	}
	var buf bytes.Buffer
	err := apply.Export(ctx, s, manifest.NewWriter(&buf, manifest.YAML), "ghost")
	if domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("export of a missing tenant: %v", err)
	}
	// A database never written to exports nothing and plans default as existing.
	empty := newService(t)
	if got := export(empty, ""); got != "" {
		t.Fatalf("empty export = %q", got)
	}
	if plan := build(t, empty, users("default", 1, ""), apply.BuildOptions{}); plan.Counts.Create != 1 {
		t.Fatalf("plan on an empty database = %+v", plan.Counts)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
