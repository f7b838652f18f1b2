package server_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// applyAuthCase is one POST /v1/changes call and the actions it needs.
type applyAuthCase struct {
	name string
	// setup makes the objects the call finds (as the local operator).
	setup   func(t *testing.T, f *fixture)
	changes []backend.Change
	// need are the actions the call needs, allowed on every resource.
	need []string
	// on names the resource a missing action is refused on, where it is
	// not the object of the change itself.
	on map[string]string
	// want are the results' actions of the allowed call, comma-separated.
	want string
}

func put(spec backend.Spec) backend.Change {
	return backend.Change{Op: backend.OpPut, Ref: spec.Ref(), Spec: spec}
}

func del(kind, id string) backend.Change {
	return backend.Change{Op: backend.OpDelete, Ref: backend.Ref{Kind: kind, Tenant: "default", ID: id}}
}

func str(s string) *string           { return &s }
func list(items ...string) *[]string { return &items }

func statements(actions ...string) *[]domain.PolicyStatement {
	return &[]domain.PolicyStatement{{Effect: "allow", Actions: actions, Resources: []string{"*"}}}
}

// seed returns a setup that applies changes as the local operator.
func seed(changes ...backend.Change) func(*testing.T, *fixture) {
	return func(t *testing.T, f *fixture) {
		t.Helper()
		if _, err := f.Service.ApplyChanges(ctx, changes); err != nil {
			t.Fatal(err)
		}
	}
}

func policy(name string) *backend.PolicySpec {
	return &backend.PolicySpec{Tenant: "default", Name: name, Statements: statements("shop:read")}
}

func user(id string, set func(*backend.ServiceUserSpec)) *backend.ServiceUserSpec {
	u := &backend.ServiceUserSpec{Tenant: "default", ID: id}
	if set != nil {
		set(u)
	}
	return u
}

func accessKey(user, name string, set func(*backend.AccessKeySpec)) *backend.AccessKeySpec {
	k := &backend.AccessKeySpec{Tenant: "default", ServiceUser: user, Name: name}
	if set != nil {
		set(k)
	}
	return k
}

// applyAuthCases cover every kind and change: the actions listed are
// exactly those the single-object routes need for the same effect.
var applyAuthCases = []applyAuthCase{
	{name: "tenant update", changes: []backend.Change{put(&backend.TenantSpec{ID: "default", Name: str("Default")})},
		need: []string{"tenant:update"}, want: "update"},

	{name: "policy create", changes: []backend.Change{put(policy("p"))}, need: []string{"policy:create"}, want: "create"},
	{name: "policy update", setup: seed(put(policy("p"))),
		changes: []backend.Change{put(&backend.PolicySpec{Tenant: "default", Name: "p", Description: str("new")})},
		need:    []string{"policy:update"}, want: "update"},
	{name: "policy delete", setup: seed(put(policy("p"))), changes: []backend.Change{del(backend.KindPolicy, "p")},
		need: []string{"policy:delete"}, want: "delete"},

	{name: "keytype create", setup: seed(put(policy("scope"))),
		changes: []backend.Change{put(&backend.KeyTypeSpec{Tenant: "default", Name: "K", Scope: str("scope")})},
		need:    []string{"keytype:create"}, want: "create"},
	{name: "keytype update", setup: seed(put(policy("scope")), put(&backend.KeyTypeSpec{Tenant: "default", Name: "K", Scope: str("scope")})),
		changes: []backend.Change{put(&backend.KeyTypeSpec{Tenant: "default", Name: "K", Scope: str("ReadOnly")})},
		need:    []string{"keytype:update"}, want: "update"},
	{name: "keytype delete", setup: seed(put(policy("scope")), put(&backend.KeyTypeSpec{Tenant: "default", Name: "K", Scope: str("scope")})),
		changes: []backend.Change{del(backend.KindKeyType, "K")}, need: []string{"keytype:delete"}, want: "delete"},

	{name: "group create with a policy", setup: seed(put(policy("p"))),
		changes: []backend.Change{put(&backend.GroupSpec{Tenant: "default", Name: "g", Policies: list("p")})},
		need:    []string{"group:create", "policy:attach"}, on: map[string]string{"policy:attach": "kw:default:policy/p"}, want: "create"},
	{name: "group description", setup: seed(put(&backend.GroupSpec{Tenant: "default", Name: "g"})),
		changes: []backend.Change{put(&backend.GroupSpec{Tenant: "default", Name: "g", Description: str("new")})},
		need:    []string{"group:update"}, want: "update"},
	{name: "group policies", setup: seed(put(policy("p1")), put(policy("p2")), put(&backend.GroupSpec{Tenant: "default", Name: "g", Policies: list("p1")})),
		changes: []backend.Change{put(&backend.GroupSpec{Tenant: "default", Name: "g", Policies: list("p2")})},
		need:    []string{"policy:attach", "policy:detach"},
		on:      map[string]string{"policy:attach": "kw:default:policy/p2", "policy:detach": "kw:default:policy/p1"}, want: "update"},
	{name: "group delete", setup: seed(put(&backend.GroupSpec{Tenant: "default", Name: "g"})),
		changes: []backend.Change{del(backend.KindGroup, "g")}, need: []string{"group:delete"}, want: "delete"},

	{name: "serviceuser create with memberships", setup: seed(put(policy("p")), put(&backend.GroupSpec{Tenant: "default", Name: "g"})),
		changes: []backend.Change{put(user("bot", func(u *backend.ServiceUserSpec) { u.Policies, u.Groups = list("p"), list("g") }))},
		need:    []string{"serviceuser:create", "policy:attach", "group:add"},
		on:      map[string]string{"policy:attach": "kw:default:policy/p", "group:add": "kw:default:group/g"}, want: "create"},
	{name: "serviceuser create disabled, owned by others", setup: seed(put(user("lead", nil))),
		changes: []backend.Change{put(user("bot", func(u *backend.ServiceUserSpec) {
			u.Status, u.Owners = new(domain.UserDisabled), list("lead")
		}))},
		need: []string{"serviceuser:create", "serviceuser:disable", "owner:add"}, want: "create"},
	{name: "serviceuser disable", setup: seed(put(user("bot", nil))),
		changes: []backend.Change{put(user("bot", func(u *backend.ServiceUserSpec) { u.Status = new(domain.UserDisabled) }))},
		need:    []string{"serviceuser:disable"}, want: "update"},
	{name: "serviceuser fields and an owner", setup: seed(put(user("bot", nil)), put(user("lead", nil))),
		changes: []backend.Change{put(user("bot", func(u *backend.ServiceUserSpec) { u.Description, u.Owners = str("new"), list("lead") }))},
		need:    []string{"serviceuser:update", "owner:add"}, want: "update"},
	{name: "serviceuser leaves everything",
		setup: seed(put(policy("p")), put(&backend.GroupSpec{Tenant: "default", Name: "g"}), put(user("lead", nil)),
			put(user("bot", func(u *backend.ServiceUserSpec) { u.Policies, u.Groups, u.Owners = list("p"), list("g"), list("lead") }))),
		changes: []backend.Change{put(user("bot", func(u *backend.ServiceUserSpec) { u.Policies, u.Groups, u.Owners = list(), list(), list() }))},
		need:    []string{"policy:detach", "group:remove", "owner:remove"}, want: "update"},
	{name: "serviceuser delete", setup: seed(put(user("bot", nil))),
		changes: []backend.Change{del(backend.KindServiceUser, "bot")}, need: []string{"serviceuser:delete"}, want: "delete"},

	{name: "accesskey generate", setup: seed(put(user("bot", nil))),
		changes: []backend.Change{put(accessKey("bot", "k", func(k *backend.AccessKeySpec) { k.Expires, k.CIDRAllowList = str("30d"), list("10.0.0.0/8") }))},
		need:    []string{"key:generate"}, on: map[string]string{"key:generate": "kw:default:serviceuser/bot"}, want: "create"},
	{name: "accesskey description and expiry", setup: seed(put(user("bot", nil)), put(accessKey("bot", "k", nil))),
		changes: []backend.Change{put(accessKey("bot", "k", func(k *backend.AccessKeySpec) { k.Description, k.ExpiresAt = str("new"), str("2027-01-31") }))},
		need:    []string{"key:update"}, want: "update"},
	{name: "accesskey cidrs", setup: seed(put(user("bot", nil)), put(accessKey("bot", "k", nil))),
		changes: []backend.Change{put(accessKey("bot", "k", func(k *backend.AccessKeySpec) { k.CIDRAllowList = list("192.0.2.7") }))},
		need:    []string{"key:restrict"}, want: "update"},
	{name: "accesskey deactivate", setup: seed(put(user("bot", nil)), put(accessKey("bot", "k", nil))),
		changes: []backend.Change{put(accessKey("bot", "k", func(k *backend.AccessKeySpec) { k.Status = new(domain.KeyInactive) }))},
		need:    []string{"key:deactivate"}, want: "update"},
	{name: "accesskey activate", setup: seed(put(user("bot", nil)), put(accessKey("bot", "k", func(k *backend.AccessKeySpec) { k.Status = new(domain.KeyInactive) }))),
		changes: []backend.Change{put(accessKey("bot", "k", func(k *backend.AccessKeySpec) { k.Status = new(domain.KeyActive) }))},
		need:    []string{"key:activate"}, want: "update"},
	{name: "accesskey everything", setup: seed(put(user("bot", nil)), put(accessKey("bot", "k", nil))),
		changes: []backend.Change{put(accessKey("bot", "k", func(k *backend.AccessKeySpec) {
			k.Description, k.CIDRAllowList, k.Status = str("new"), list("192.0.2.7"), new(domain.KeyInactive)
		}))},
		need: []string{"key:update", "key:restrict", "key:deactivate"}, want: "update"},
	{name: "accesskey revoke", setup: seed(put(user("bot", nil)), put(accessKey("bot", "k", nil))),
		changes: []backend.Change{del(backend.KindAccessKey, "bot/k")}, need: []string{"key:revoke"}, want: "delete"},

	// A whole runbook in one call: any change refused, nothing is written.
	// The user lists its owners (none), so its creator does not own it and
	// needs key:generate.
	{name: "runbook",
		changes: []backend.Change{
			put(policy("p")),
			put(&backend.GroupSpec{Tenant: "default", Name: "g", Policies: list("p")}),
			put(&backend.KeyTypeSpec{Tenant: "default", Name: "K", Scope: str("p")}),
			put(user("bot", func(u *backend.ServiceUserSpec) { u.Groups, u.Owners = list("g"), list() })),
			put(accessKey("bot", "k", nil)),
		},
		need: []string{"policy:create", "group:create", "policy:attach", "keytype:create", "serviceuser:create", "group:add", "key:generate"},
		want: "create,create,create,create,create"},
}

// Every kind over POST /v1/changes needs the actions the single routes
// need for the same effect: allowed with all of them; without any one,
// 403 naming that action and the deciding reason, and nothing written.
func TestApplyChangesAuthorizationTable(t *testing.T) {
	for _, tc := range applyAuthCases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			for i, missing := range tc.need {
				tok := f.callerAllowed(t, fmt.Sprintf("without-%d", i), slices.DeleteFunc(slices.Clone(tc.need), func(a string) bool { return a == missing }))
				before := f.state(t)
				resp, body := f.call(t, nil, "POST", "/v1/changes", tok, tc.changes)
				code, msg := errorOf(t, body)
				on := " on "
				if r, ok := tc.on[missing]; ok {
					on += r + " "
				}
				if resp.StatusCode != 403 || code != "denied" || !strings.HasPrefix(msg, missing+on) || !strings.HasSuffix(msg, "is denied: no statement allows it (default deny)") {
					t.Errorf("without %s: %d %s", missing, resp.StatusCode, body)
				}
				if after := f.state(t); after != before {
					t.Fatalf("without %s, the refused call wrote:\n%s\nwas\n%s", missing, after, before)
				}
			}
			tok := f.callerAllowed(t, "with-all", tc.need)
			resp, body := f.call(t, nil, "POST", "/v1/changes", tok, tc.changes)
			var results []backend.ChangeResult
			if err := json.Unmarshal(body, &results); err != nil || resp.StatusCode != 200 {
				t.Fatalf("with %v: %d %s", tc.need, resp.StatusCode, body)
			}
			var got []string
			for _, r := range results {
				got = append(got, string(r.Action))
			}
			if strings.Join(got, ",") != tc.want {
				t.Fatalf("with %v: results %s, want %s", tc.need, body, tc.want)
			}
		})
	}
}

// callerAllowed creates service user id of tenant default holding a policy
// that allows exactly actions on every resource of the tenant, and returns
// a token of it.
func (f *fixture) callerAllowed(t *testing.T, id string, actions []string) string {
	t.Helper()
	var policies []string
	if len(actions) > 0 {
		in := backend.CreatePolicyInput{Name: id, Statements: *statements(actions...)}
		if _, _, err := f.Service.CreatePolicy(ctx, "default", in); err != nil {
			t.Fatal(err)
		}
		policies = []string{id}
	}
	keyID, secret := f.identity(t, "default", id, policies...)
	return f.token(t, keyID, secret)
}

// state is every object of tenant default and the successful audit events,
// as JSON: what a refused call must leave as it was.
func (f *fixture) state(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, kind := range backend.Kinds() {
		tenant := ""
		if kind.Namespaced {
			tenant = "default"
		}
		specs, err := kind.Load(ctx, f.Service, tenant)
		if err != nil {
			t.Fatal(err)
		}
		if err := enc.Encode(specs); err != nil {
			t.Fatal(err)
		}
	}
	events, err := f.Service.ListAudit(ctx, "default", backend.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Outcome == "success" {
			fmt.Fprintln(&b, e.Seq, e.Action, e.Target)
		}
	}
	return b.String()
}
