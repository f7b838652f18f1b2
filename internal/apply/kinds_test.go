package apply_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apply"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/manifest"
	"github.com/keyward/keyward/internal/service"
)

// allKinds declares an object of every kind; ci-bot names owner zed,
// declared after it.
const allKinds = `kind: Tenant
id: acme
settings: {keyTtlMax: 180d}
---
kind: Policy
tenant: acme
name: deployer
description: deploys the shop
statements:
  - effect: allow
    actions: ["shop:deploy", "key:read"]
    resources: ["*"]
  - effect: deny
    actions: ["shop:delete"]
    resources: ["*"]
---
kind: Group
tenant: acme
name: ci
policies: [deployer]
---
kind: KeyType
tenant: acme
name: DEPLOY
displayName: Deploy
scope: deployer
---
kind: ServiceUser
tenant: acme
id: ci-bot
groups: [ci]
policies: [ReadOnly]
owners: [zed]
cidrAllowList: [10.0.0.0/8]
---
kind: ServiceUser
tenant: acme
id: zed
---
kind: AccessKey
tenant: acme
serviceUser: ci-bot
name: deploy
type: DEPLOY
expiresAt: 2027-01-31
cidrAllowList: [10.1.0.0/16]
---
kind: AccessKey
tenant: acme
serviceUser: zed
name: main
status: inactive
expires: 30d
`

func exportOf(t *testing.T, b backend.Backend, tenant string) string {
	t.Helper()
	var buf bytes.Buffer
	w := manifest.NewWriter(&buf, manifest.YAML)
	if err := apply.Export(ctx, b, w, tenant); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.String()
}

func TestApplyAllKindsRoundTrip(t *testing.T) {
	s := newService(t)
	var generated []string
	done := run(t, s, allKinds, apply.BuildOptions{}, apply.ExecuteOptions{Applied: func(e apply.Entry, r backend.ChangeResult) {
		if r.AccessKey != nil {
			generated = append(generated, e.Ref.ID)
			if r.AccessKey.Secret == "" {
				t.Errorf("%s: no secret returned", e.Ref)
			}
		}
	}})
	if done != (apply.Counts{Create: 8}) || strings.Join(generated, ",") != "ci-bot/deploy,zed/main" {
		t.Fatalf("done %+v, keys generated %v", done, generated)
	}
	u := must(s.GetServiceUser(ctx, "acme", "ci-bot"))
	if !slices.Equal(u.Owners, []string{"zed"}) || !slices.Equal(u.Groups, []string{"ci"}) || !slices.Equal(u.AllowedKeyTypes, []string{"DEPLOY"}) {
		t.Fatalf("ci-bot = %+v", u)
	}
	if plan := build(t, s, allKinds, apply.BuildOptions{}); plan.Counts != (apply.Counts{Unchanged: 8}) {
		t.Fatalf("second plan %+v", plan.Counts)
	}
	first := exportOf(t, s, "")
	for _, secretish := range []string{"kwk_", "kws_", "hint", "createdAt", "secretFile", "expires:", "rotated"} {
		if strings.Contains(first, secretish) {
			t.Fatalf("export holds %q:\n%s", secretish, first)
		}
	}
	if !strings.Contains(first, "kind: Policy") || strings.Contains(first, "name: ReadOnly\n") {
		t.Fatalf("export of policies (managed ones left out):\n%s", first)
	}
	// Kinds in apply order, each tenant's objects by id.
	order := []string{"kind: Tenant", "kind: Policy", "kind: Group", "kind: KeyType", "id: ci-bot", "id: zed", "name: deploy\n", "name: main"}
	last := -1
	for _, o := range order {
		i := strings.Index(first, o)
		if i < last {
			t.Fatalf("%q out of order:\n%s", o, first)
		}
		last = i
	}
	if plan := build(t, s, first, apply.BuildOptions{}); plan.Counts.Changes() != 0 {
		t.Fatalf("export re-applied plans %+v", plan.Counts)
	}
	// Onto an empty database the export recreates the same state; the
	// keys are generated anew (new secrets).
	fresh := newService(t)
	generated = nil
	run(t, fresh, first, apply.BuildOptions{}, apply.ExecuteOptions{Applied: func(e apply.Entry, r backend.ChangeResult) {
		if r.AccessKey != nil {
			generated = append(generated, r.AccessKey.ID)
		}
	}})
	if len(generated) != 2 {
		t.Fatalf("keys generated on the fresh database: %v", generated)
	}
	if second := exportOf(t, fresh, ""); second != first {
		t.Fatalf("round trip differs:\n%s\n---- vs ----\n%s", first, second)
	}
}

func TestApplyReferences(t *testing.T) {
	s := newService(t)
	run(t, s, "kind: Policy\nname: kept\nstatements: [{effect: allow, actions: [\"a:b\"], resources: [\"*\"]}]\n", apply.BuildOptions{}, apply.ExecuteOptions{})
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"missing", "kind: ServiceUser\nid: bot\npolicies: [kept, ghost]\ngroups:\n  - nogroup\n", []string{
			`in.yaml:3: document 1: ServiceUser default/bot: policies[1]: policy "ghost" does not exist in tenant "default"; declare it in the file or create it first`,
			`in.yaml:5: document 1: ServiceUser default/bot: groups[0]: group "nogroup" does not exist in tenant "default"; declare it in the file or create it first`,
		}},
		{"key of a missing user and type", "kind: AccessKey\nserviceUser: ghost\nname: k\ntype: T\n", []string{
			`in.yaml:2: document 1: AccessKey default/ghost/k: serviceUser: service user "ghost" does not exist in tenant "default"; declare it in the file or create it first`,
			`in.yaml:4: document 1: AccessKey default/ghost/k: type: key type "T" does not exist in tenant "default"; declare it in the file or create it first`,
		}},
		{"scope", "kind: KeyType\nname: T\nscope: ghost\n", []string{
			`in.yaml:3: document 1: KeyType default/T: scope: policy "ghost" does not exist in tenant "default"; declare it in the file or create it first`,
		}},
		{"policy statement", "kind: Policy\nname: p\nstatements:\n  - effect: allow\n    actions: [\"a:b\"]\n    resources: [\"*\"]\n  - effect: Deny\n    actions: [\"a:b\"]\n    resources: [\"*\"]\n    condition: x\n", []string{
			`in.yaml:7: document 1: Policy default/p: statements[1].effect: must be "allow" or "deny"`,
			`in.yaml:10: document 1: Policy default/p: statements[1].condition: unknown field; the fields of statements[1] are effect, actions, resources`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := problems(t, s, tc.src); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
	// Declared later in the file, or managed: fine.
	run(t, s, "kind: ServiceUser\nid: bot\npolicies: [later, ReadOnly]\ngroups: [g]\n---\nkind: Group\nname: g\n---\nkind: Policy\nname: later\nstatements: [{effect: allow, actions: [\"a:b\"], resources: [\"*\"]}]\n", apply.BuildOptions{}, apply.ExecuteOptions{})
	if u := must(s.GetServiceUser(ctx, "default", "bot")); !slices.Equal(u.Policies, []string{"ReadOnly", "later"}) {
		t.Fatalf("user = %+v", u)
	}
}

func TestApplyOwnersDeclaredLater(t *testing.T) {
	s := newService(t)
	// A cycle of new users, and a spool small enough to use its file. The
	// entry of a, split, lists all its fields (b, a plain create, lists
	// none: a report derives them).
	src := "kind: ServiceUser\nid: a\nowners: [b]\n---\nkind: ServiceUser\nid: b\nowners: [a]\ndescription: bee\n"
	plan := build(t, s, src, apply.BuildOptions{SpoolInMemory: 1})
	var created []string
	plan.Each(func(e apply.Entry) error {
		var fields []string
		for _, c := range e.Changes {
			fields = append(fields, c.Field)
		}
		created = append(created, e.Ref.ID+":"+strings.Join(fields, "+"))
		return nil
	})
	if plan.Counts != (apply.Counts{Create: 2}) || strings.Join(created, " ") != "a:displayName+email+description+status+cidrAllowList+policies+groups+owners b:" {
		t.Fatalf("plan %+v: %v", plan.Counts, created)
	}
	var applied []string
	done, err := apply.Execute(ctx, s, plan, apply.ExecuteOptions{Applied: func(e apply.Entry, r backend.ChangeResult) { applied = append(applied, e.Ref.ID) }})
	if err != nil || done != (apply.Counts{Create: 2}) || strings.Join(applied, ",") != "a,b" {
		t.Fatalf("done %+v %v (%v)", done, applied, err)
	}
	for id, owner := range map[string]string{"a": "b", "b": "a"} {
		if u := must(s.GetServiceUser(ctx, "default", id)); !slices.Equal(u.Owners, []string{owner}) {
			t.Fatalf("%s owners = %v", id, u.Owners)
		}
	}
	if plan := build(t, s, src, apply.BuildOptions{}); plan.Counts != (apply.Counts{Unchanged: 2}) {
		t.Fatalf("second plan %+v", plan.Counts)
	}
	// An existing user whose only change names a user declared later.
	done = run(t, s, "kind: ServiceUser\nid: a\nowners: [b, c]\n---\nkind: ServiceUser\nid: c\n", apply.BuildOptions{}, apply.ExecuteOptions{})
	if done != (apply.Counts{Create: 1, Update: 1}) {
		t.Fatalf("done %+v", done)
	}
	if u := must(s.GetServiceUser(ctx, "default", "a")); !slices.Equal(u.Owners, []string{"b", "c"}) {
		t.Fatalf("a owners = %v", u.Owners)
	}
}

// Over the API, a user apply creates gets the service user creating it as
// an owner unless its entry lists owners — also when owners declared
// further down the file split the entry: the part applied first lists the
// owners already there, so the new user never gets an owner the file does
// not declare. Applying the file again changes nothing.
func TestApplyCreatorOwner(t *testing.T) {
	s := newService(t)
	must(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "maker", NoKey: true}))
	must(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "lead", NoKey: true}))
	api := service.WithActor(ctx, service.ServiceUserActor("default", "maker"))
	src := "kind: ServiceUser\nid: listed\nowners: [lead, later]\n---\nkind: ServiceUser\nid: later\n"
	if _, err := apply.Execute(api, s, build(t, s, src, apply.BuildOptions{}), apply.ExecuteOptions{}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][]string{"listed": {"later", "lead"}, "later": {"maker"}} {
		if u := must(s.GetServiceUser(ctx, "default", id)); !slices.Equal(u.Owners, want) {
			t.Errorf("%s owners = %v, want %v", id, u.Owners, want)
		}
	}
	events := must(s.ListAudit(ctx, "default", backend.AuditFilter{Action: "owner:remove"}))
	if len(events) != 0 {
		t.Errorf("an owner was added and removed again: %+v", events)
	}
	if plan := build(t, s, src, apply.BuildOptions{}); plan.Counts != (apply.Counts{Unchanged: 2}) {
		t.Fatalf("second plan %+v", plan.Counts)
	}
}

func TestApplyPruneKinds(t *testing.T) {
	s := newService(t)
	run(t, s, allKinds, apply.BuildOptions{}, apply.ExecuteOptions{})
	run(t, s, `kind: Policy
tenant: acme
name: old
statements: [{effect: allow, actions: ["a:b"], resources: ["*"]}]
---
kind: ServiceUser
tenant: acme
id: holder
policies: [old]
---
kind: AccessKey
tenant: acme
serviceUser: zed
name: extra
`, apply.BuildOptions{}, apply.ExecuteOptions{})
	policiesOnly := "kind: Policy\ntenant: acme\nname: deployer\nstatements: [{effect: allow, actions: [\"shop:deploy\", \"key:read\"], resources: [\"*\"]}, {effect: deny, actions: [\"shop:delete\"], resources: [\"*\"]}]\n"
	// A user the file leaves out still holds "old": prune refuses, with no
	// position (no object of the file is to blame).
	want := `in.yaml: Policy acme/old: --prune would delete it, but ServiceUser acme/holder, which the file does not declare, still names it (policies[0]); declare that service user in the file without it, or stop naming it first`
	if got := problemsPrune(t, s, "kind: Tenant\nid: acme\n---\n"+policiesOnly); len(got) != 1 || got[0] != want {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	// Declaring the holder without it makes the prune possible; managed
	// policies are never pruned; keys only when the file has AccessKeys.
	src := policiesOnly + "---\nkind: ServiceUser\ntenant: acme\nid: holder\npolicies: []\n"
	plan := build(t, s, src, apply.BuildOptions{Prune: true})
	var deletes []string
	for _, e := range plan.Deletes() {
		deletes = append(deletes, e.Ref.String())
	}
	// Deleting ci-bot and zed takes their keys with them, and the prune
	// deletes users before policies.
	if strings.Join(deletes, ",") != "ServiceUser acme/ci-bot,ServiceUser acme/zed,Policy acme/old" {
		t.Fatalf("deletes = %v", deletes)
	}
	if _, err := apply.Execute(ctx, s, plan, apply.ExecuteOptions{}); err != nil {
		t.Fatal(err)
	}
	if ps := must(s.ListPolicies(ctx, "acme")); len(ps) != 3 {
		t.Fatalf("policies left %d", len(ps))
	}
	if keys := must(s.ListKeys(ctx, "acme", backend.ListKeysFilter{})); len(keys) != 0 {
		t.Fatalf("keys left %+v", keys)
	}
	// Referencing what the prune deletes is refused.
	got := problemsPrune(t, s, policiesOnly+"---\nkind: Group\ntenant: acme\nname: g\npolicies: [gone]\n")
	if len(got) != 1 || !strings.Contains(got[0], `policies[0]: policy "gone" does not exist`) {
		t.Fatalf("problems %v", got)
	}
	run(t, s, "kind: Policy\ntenant: acme\nname: gone\nstatements: [{effect: allow, actions: [\"a:b\"], resources: [\"*\"]}]\n", apply.BuildOptions{}, apply.ExecuteOptions{})
	got = problemsPrune(t, s, policiesOnly+"---\nkind: Group\ntenant: acme\nname: g\npolicies: [gone]\n")
	if len(got) != 1 || !strings.HasSuffix(got[0], `Group acme/g: policies[0]: policy "gone" is not in the file, so --prune would delete it; declare it, or no longer name it here`) {
		t.Fatalf("problems %v", got)
	}
}

func problemsPrune(t *testing.T, b backend.Backend, src string) []string {
	t.Helper()
	_, err := apply.Build(ctx, b, manifest.Source{Name: "in.yaml", R: strings.NewReader(src)}, apply.BuildOptions{DefaultTenant: "default", Prune: true})
	var invalid *apply.InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("Build: %v, want an *InvalidError", err)
	}
	var out []string
	for _, p := range invalid.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestApplySecretFiles(t *testing.T) {
	s := newService(t)
	dir := t.TempDir()
	run(t, s, "kind: ServiceUser\nid: bot\n", apply.BuildOptions{}, apply.ExecuteOptions{})
	if err := os.WriteFile(filepath.Join(dir, "taken.secret"), []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	key := func(name, file string) string {
		src := "---\nkind: AccessKey\nserviceUser: bot\nname: " + name + "\n"
		if file != "" {
			src += "secretFile: " + file + "\n"
		}
		return src
	}
	opts := apply.BuildOptions{DefaultTenant: "default", SecretDir: dir, SecretsNeedFile: true}
	_, err := apply.Build(ctx, s, manifest.Source{Name: "in.yaml", R: strings.NewReader(key("a", "taken.secret") + key("b", "new.secret") + key("c", "new.secret") + key("d", "") + key("e", "nodir/x.secret"))}, opts)
	var invalid *apply.InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("Build: %v", err)
	}
	var got []string
	for _, p := range invalid.Problems {
		got = append(got, p.String())
	}
	want := []string{
		"in.yaml:5: document 1: AccessKey default/bot/a: secretFile: " + filepath.Join(dir, "taken.secret") + " already exists; keyward never overwrites a secret file (move it away, or name a new file)",
		"in.yaml:15: document 3: AccessKey default/bot/c: secretFile: " + filepath.Join(dir, "new.secret") + " is also the secret file of AccessKey default/bot/b (line 10); each new secret needs its own file",
		"in.yaml:17: document 4: AccessKey default/bot/d: secretFile: is required: the key is generated, and -q prints no secret, which would be lost",
		"in.yaml:24: document 5: AccessKey default/bot/e: secretFile: " + filepath.Join(dir, "nodir/x.secret") + ": the directory " + filepath.Join(dir, "nodir") + " does not exist",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The secret goes to the file (0600), relative to the file's directory,
	// and nowhere else.
	opts.SecretsNeedFile = false
	var results []backend.ChangeResult
	done := run(t, s, key("b", "new.secret")+key("d", ""), opts, apply.ExecuteOptions{Applied: func(e apply.Entry, r backend.ChangeResult) { results = append(results, r) }})
	if done.Create != 2 || results[0].AccessKey.Secret != "" || results[1].AccessKey.Secret == "" {
		t.Fatalf("done %+v, results %+v", done, results)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "new.secret"))
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(dir, "new.secret"))
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if v := must(s.VerifyKey(ctx, backend.VerifyKeyInput{Secret: strings.TrimSpace(string(raw))})); !v.Authenticated || v.Key.Name != "b" {
		t.Fatalf("the file's secret: %+v", v)
	}
	// Again: the key exists, the file is left alone even though it exists.
	if done := run(t, s, key("b", "new.secret"), opts, apply.ExecuteOptions{}); done != (apply.Counts{Unchanged: 1}) {
		t.Fatalf("re-run %+v", done)
	}
}

func TestApplyFailureNamesPosition(t *testing.T) {
	s := newService(t)
	run(t, s, "kind: ServiceUser\nid: bot\n", apply.BuildOptions{}, apply.ExecuteOptions{})
	// The limit (2 active keys) is the service's rule, found when writing.
	src := "kind: AccessKey\nserviceUser: bot\nname: a\n---\nkind: AccessKey\nserviceUser: bot\nname: b\n---\nkind: AccessKey\nserviceUser: bot\nname: c\n"
	_, err := apply.Execute(ctx, s, build(t, s, src, apply.BuildOptions{}), apply.ExecuteOptions{})
	var partial *apply.PartialError
	if !errors.As(err, &partial) || domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "in.yaml:9: document 3: AccessKey default/bot/c: service user \"bot\" already has 2 active access keys") {
		t.Fatalf("err = %v", err)
	}
}
