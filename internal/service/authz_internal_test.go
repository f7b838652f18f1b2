package service

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

var bg = context.Background()

// testNow is the fixed clock of these tests.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// newTestService returns a service over a fresh, initialised database file.
func newTestService(t testing.TB) *Service {
	t.Helper()
	db, err := boltstore.Open(filepath.Join(t.TempDir(), "keyward.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := New(db, Options{Now: func() time.Time { return testNow }, Actor: "local:test"})
	t.Cleanup(func() { s.Close() })
	if _, _, err := s.CreateTenant(bg, backend.CreateTenantInput{ID: "default", IfNotExists: true}); err != nil {
		t.Fatal(err)
	}
	return s
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code domain.Code) {
	t.Helper()
	if domain.CodeOf(err) != code || err == nil {
		t.Fatalf("got %v (code %s), want code %s", err, domain.CodeOf(err), code)
	}
}

func stmt(effect, actions, resources string) domain.PolicyStatement {
	return domain.PolicyStatement{Effect: effect, Actions: strings.Split(actions, ","), Resources: strings.Split(resources, ",")}
}

// putKey stores a key record directly, as the access-key feature will.
func putKey(t testing.TB, s *Service, k domain.AccessKey) {
	t.Helper()
	if k.Tenant == "" {
		k.Tenant = "default"
	}
	if k.Status == "" {
		k.Status = domain.KeyActive
	}
	k.CreatedAt = testNow
	check(t, s.update(func(tx *boltstore.Tx) error { return tx.PutKey(boltstore.KeyRecord{AccessKey: k}) }))
}

func ptr[T any](v T) *T { return &v }

// keyTypeFixture: policy monitoring (metrics:read on *), key types MON
// (scope monitoring) and ADMIN (scope Administrator), user bot holding
// monitoring, user other with nothing; neither user has a key.
func keyTypeFixture(t testing.TB, s *Service) {
	t.Helper()
	_, _, err := s.CreatePolicy(bg, "default", backend.CreatePolicyInput{Name: "monitoring", Statements: []domain.PolicyStatement{stmt("allow", "metrics:read,serviceuser:read", "*")}})
	check(t, err)
	for name, scope := range map[string]string{"MON": "monitoring", "ADMIN": "Administrator"} {
		_, _, err := s.CreateKeyType(bg, "default", backend.CreateKeyTypeInput{Name: name, Scope: scope})
		check(t, err)
	}
	_, err = s.CreateServiceUser(bg, "default", backend.CreateServiceUserInput{ID: "bot", Policies: []string{"monitoring"}, NoKey: true})
	check(t, err)
	_, err = s.CreateServiceUser(bg, "default", backend.CreateServiceUserInput{ID: "other", NoKey: true})
	check(t, err)
}

// checkKeyTypeView applies, in a read transaction, the key-type rules a new
// active key of type typeName for user meets when generated (or, with
// except, when it succeeds key except in a rotation): keyTypeAllowed, then
// checkKeySlot (setting oneKeyPerType). An untyped key is always allowed.
func (s *Service) checkKeyTypeView(tenant, user, typeName string, except ...string) error {
	if typeName == "" {
		return nil
	}
	return s.view(func(tx *boltstore.Tx) error {
		t, err := requireTenant(tx, tenant)
		if err != nil {
			return err
		}
		u, err := requireUser(tx, tenant, user)
		if err != nil {
			return err
		}
		if err := s.keyTypeAllowed(tx, u, typeName); err != nil {
			return err
		}
		keys, err := liveKeys(tx, tenant, user, s.clock())
		if err != nil {
			return err
		}
		return checkKeySlot(t, user, keys, &typeName, strings.Join(except, ""), s.clock())
	})
}

func TestCheckKeyType(t *testing.T) {
	s := newTestService(t)
	keyTypeFixture(t, s)

	check(t, s.checkKeyTypeView("default", "bot", ""))
	check(t, s.checkKeyTypeView("default", "bot", "MON"))
	wantCode(t, s.checkKeyTypeView("default", "bot", "mon"), domain.CodeNotFound)
	wantCode(t, s.checkKeyTypeView("default", "ghost", "MON"), domain.CodeNotFound)
	wantCode(t, s.checkKeyTypeView("nowhere", "bot", "MON"), domain.CodeNotFound)

	err := s.checkKeyTypeView("default", "bot", "ADMIN")
	wantCode(t, err, domain.CodeDenied)
	for _, want := range []string{`service user "bot" may not hold keys of type "ADMIN"`, `"Administrator" statements[0]`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("denial %q does not say %q", err, want)
		}
	}
	wantCode(t, s.checkKeyTypeView("default", "other", "MON"), domain.CodeDenied)

	// oneKeyPerType off: any number of keys of a type.
	putKey(t, s, domain.AccessKey{ID: "kwk_aaaaaaaaaaaaaaaaaaaa", ServiceUser: "bot", Name: "key-1", Type: ptr("MON")})
	check(t, s.checkKeyTypeView("default", "bot", "MON"))

	_, err = s.UpdateTenant(bg, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{OneKeyPerType: ptr(true)}})
	check(t, err)
	err = s.checkKeyTypeView("default", "bot", "MON")
	wantCode(t, err, domain.CodeConflict)
	if !strings.Contains(err.Error(), "kwk_aaaaaaaaaaaaaaaaaaaa") || !strings.Contains(err.Error(), "oneKeyPerType") {
		t.Fatalf("conflict %q does not name the key and the setting", err)
	}
	// The key being rotated does not count against its successor.
	check(t, s.checkKeyTypeView("default", "bot", "MON", "kwk_aaaaaaaaaaaaaaaaaaaa"))
	// Another type, or another user, is not limited by it.
	_, _, err = s.AttachPolicy(bg, "default", "monitoring", backend.PolicyTarget{User: "other"})
	check(t, err)
	check(t, s.checkKeyTypeView("default", "other", "MON"))
}

func TestCheckKeyTypeCountsOnlyActiveKeys(t *testing.T) {
	past, future := testNow.Add(-time.Hour), testNow.Add(time.Hour)
	for _, tc := range []struct {
		name     string
		key      domain.AccessKey
		conflict bool
	}{
		{"active", domain.AccessKey{Type: ptr("MON")}, true},
		{"active, expires later", domain.AccessKey{Type: ptr("MON"), ExpiresAt: &future}, true},
		{"expired", domain.AccessKey{Type: ptr("MON"), ExpiresAt: &past}, false},
		{"expires now", domain.AccessKey{Type: ptr("MON"), ExpiresAt: &testNow}, false},
		{"inactive", domain.AccessKey{Type: ptr("MON"), Status: domain.KeyInactive}, false},
		{"waiting for revocation", domain.AccessKey{Type: ptr("MON"), RevokeAt: &future}, false},
		{"untyped", domain.AccessKey{}, false},
		{"other type", domain.AccessKey{Type: ptr("ADMIN")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestService(t)
			keyTypeFixture(t, s)
			_, err := s.UpdateTenant(bg, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{OneKeyPerType: ptr(true)}})
			check(t, err)
			k := tc.key
			k.ID, k.ServiceUser, k.Name = "kwk_bbbbbbbbbbbbbbbbbbbb", "bot", "key-1"
			putKey(t, s, k)
			err = s.checkKeyTypeView("default", "bot", "MON")
			if tc.conflict {
				wantCode(t, err, domain.CodeConflict)
			} else {
				check(t, err)
			}
		})
	}
}

func TestDeleteKeyTypeWithKeys(t *testing.T) {
	s := newTestService(t)
	keyTypeFixture(t, s)
	putKey(t, s, domain.AccessKey{ID: "kwk_cccccccccccccccccccc", ServiceUser: "bot", Name: "key-1", Type: ptr("MON"), Status: domain.KeyInactive})
	err := s.DeleteKeyType(bg, "default", "MON")
	wantCode(t, err, domain.CodeConflict)
	if !strings.Contains(err.Error(), "1 access key") {
		t.Fatalf("conflict %q does not count the keys", err)
	}
	check(t, s.DeleteKeyType(bg, "default", "ADMIN"))
}

func TestCheckPolicyWithKey(t *testing.T) {
	s := newTestService(t)
	keyTypeFixture(t, s)
	_, _, err := s.AttachPolicy(bg, "default", "ReadOnly", backend.PolicyTarget{User: "bot"})
	check(t, err)
	putKey(t, s, domain.AccessKey{ID: "kwk_dddddddddddddddddddd", ServiceUser: "bot", Name: "typed", Type: ptr("MON")})
	putKey(t, s, domain.AccessKey{ID: "kwk_eeeeeeeeeeeeeeeeeeee", ServiceUser: "bot", Name: "plain"})
	putKey(t, s, domain.AccessKey{ID: "kwk_ffffffffffffffffffff", ServiceUser: "other", Name: "theirs"})

	for _, tc := range []struct {
		key, action, reason string
		scopeStatement      bool
	}{
		{"kwk_dddddddddddddddddddd", "metrics:read", "allowed", true},
		{"kwk_dddddddddddddddddddd", "tenant:read", "outside_scope", false}, // ReadOnly allows it, the type does not
		{"kwk_dddddddddddddddddddd", "metrics:write", "default_deny", false},
		{"kwk_eeeeeeeeeeeeeeeeeeee", "tenant:read", "allowed", false},
		{"", "tenant:read", "allowed", false},
	} {
		got, err := s.CheckPolicy(bg, "default", backend.CheckPolicyInput{User: "bot", Action: tc.action, Resource: "tenant", KeyID: tc.key})
		check(t, err)
		if got.Reason != tc.reason || (got.ScopeStatement != nil) != tc.scopeStatement {
			t.Errorf("key %q %s: %+v, want %s", tc.key, tc.action, got, tc.reason)
		}
		if tc.key == "kwk_dddddddddddddddddddd" && (got.KeyType == nil || *got.KeyType != "MON" || got.KeyID == nil) {
			t.Errorf("typed key: keyType %v keyId %v", got.KeyType, got.KeyID)
		}
		if tc.reason == "outside_scope" && !strings.Contains(got.Explanation, `outside key type "MON"`) {
			t.Errorf("explanation %q", got.Explanation)
		}
	}
	_, err = s.CheckPolicy(bg, "default", backend.CheckPolicyInput{User: "bot", Action: "tenant:read", KeyID: "kwk_ffffffffffffffffffff"})
	wantCode(t, err, domain.CodeNotFound)
}

func TestPrincipalIsCachedUntilTheGenerationChanges(t *testing.T) {
	s := newTestService(t)
	keyTypeFixture(t, s)
	p1, gen1, err := s.Principal(bg, "default", "bot", "")
	check(t, err)
	p2, gen2, err := s.Principal(bg, "default", "bot", "")
	check(t, err)
	if p1 != p2 || gen1 != gen2 {
		t.Fatalf("second call rebuilt the principal (gen %d, %d)", gen1, gen2)
	}
	if d := p1.Decide("tenant:read", "tenant"); d.Allowed {
		t.Fatalf("bot may read the tenant before ReadOnly is attached: %v", d)
	}
	_, _, err = s.AttachPolicy(bg, "default", "ReadOnly", backend.PolicyTarget{User: "bot"})
	check(t, err)
	p3, gen3, err := s.Principal(bg, "default", "bot", "")
	check(t, err)
	if gen3 <= gen1 || p3 == p1 || !p3.Decide("tenant:read", "tenant").Allowed {
		t.Fatalf("after attach: gen %d -> %d, principal rebuilt %v", gen1, gen3, p3 != p1)
	}
	// A key of type MON may do only what monitoring allows.
	pk, _, err := s.Principal(bg, "default", "bot", "MON")
	check(t, err)
	if pk.Decide("tenant:read", "tenant").Allowed || !pk.Decide("metrics:read", "tenant").Allowed {
		t.Fatal("key type scope not applied")
	}
	// A type that does not exist allows nothing.
	pg, _, err := s.Principal(bg, "default", "bot", "GONE")
	check(t, err)
	if pg.Decide("metrics:read", "tenant").Allowed {
		t.Fatal("an unknown key type allowed something")
	}
	_, _, err = s.Principal(bg, "default", "ghost", "")
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = s.Principal(bg, "nowhere", "bot", "")
	wantCode(t, err, domain.CodeNotFound)
	// A policy edit reaches a cached principal through the generation.
	_, err = s.UpdatePolicy(bg, "default", "monitoring", backend.UpdatePolicyInput{Statements: &[]domain.PolicyStatement{stmt("deny", "metrics:read", "*")}})
	check(t, err)
	p4, _, err := s.Principal(bg, "default", "bot", "")
	check(t, err)
	if d := p4.Decide("metrics:read", "tenant"); d.Allowed {
		t.Fatalf("stale principal after policy update: %v", d)
	}
}

func TestAuthzGenerationChangesOnEveryAuthorizationWrite(t *testing.T) {
	s := newTestService(t)
	keyTypeFixture(t, s)
	_, _, err := s.CreateGroup(bg, "default", backend.CreateGroupInput{Name: "ops"})
	check(t, err)
	for _, tc := range []struct {
		name string
		fn   func() error
	}{
		{"policy create", func() error {
			_, _, err := s.CreatePolicy(bg, "default", backend.CreatePolicyInput{Name: "p", Statements: []domain.PolicyStatement{stmt("allow", "key:read", "*")}})
			return err
		}},
		{"policy update", func() error {
			_, err := s.UpdatePolicy(bg, "default", "p", backend.UpdatePolicyInput{Description: ptr("d")})
			return err
		}},
		{"policy attach to user", func() error {
			_, _, err := s.AttachPolicy(bg, "default", "p", backend.PolicyTarget{User: "bot"})
			return err
		}},
		{"policy attach to group", func() error {
			_, _, err := s.AttachPolicy(bg, "default", "p", backend.PolicyTarget{Group: "ops"})
			return err
		}},
		{"policy detach", func() error {
			_, _, err := s.DetachPolicy(bg, "default", "p", backend.PolicyTarget{User: "bot"})
			return err
		}},
		{"policy rename", func() error {
			_, err := s.UpdatePolicy(bg, "default", "p", backend.UpdatePolicyInput{Name: ptr("q")})
			return err
		}},
		{"policy delete", func() error { return s.DeletePolicy(bg, "default", "q", backend.DeletePolicyOptions{Force: true}) }},
		{"group create", func() error {
			_, _, err := s.CreateGroup(bg, "default", backend.CreateGroupInput{Name: "dev"})
			return err
		}},
		{"group add", func() error { _, err := s.AddGroupMembers(bg, "default", "dev", []string{"bot"}); return err }},
		{"group remove", func() error { _, err := s.RemoveGroupMembers(bg, "default", "dev", []string{"bot"}); return err }},
		{"group delete", func() error { return s.DeleteGroup(bg, "default", "dev") }},
		{"owner add", func() error { _, _, err := s.AddOwner(bg, "default", "bot", "other"); return err }},
		{"owner remove", func() error { _, _, err := s.RemoveOwner(bg, "default", "bot", "other"); return err }},
		{"key type create", func() error {
			_, _, err := s.CreateKeyType(bg, "default", backend.CreateKeyTypeInput{Name: "RO", Scope: "ReadOnly"})
			return err
		}},
		{"key type update", func() error {
			_, err := s.UpdateKeyType(bg, "default", "RO", backend.UpdateKeyTypeInput{Scope: ptr("monitoring")})
			return err
		}},
		{"key type delete", func() error { return s.DeleteKeyType(bg, "default", "RO") }},
		{"user create", func() error {
			_, err := s.CreateServiceUser(bg, "default", backend.CreateServiceUserInput{ID: "new", Policies: []string{"ReadOnly"}})
			return err
		}},
		{"user delete", func() error { return s.DeleteServiceUser(bg, "default", "new") }},
		{"tenant delete", func() error {
			_, _, err := s.CreateTenant(bg, backend.CreateTenantInput{ID: "gone"})
			check(t, err)
			return s.DeleteTenant(bg, "gone", backend.DeleteTenantOptions{})
		}},
	} {
		before, err := s.AuthzGeneration(bg)
		check(t, err)
		if err := tc.fn(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		after, err := s.AuthzGeneration(bg)
		check(t, err)
		if after <= before {
			t.Errorf("%s did not change the generation (%d -> %d)", tc.name, before, after)
		}
	}
	// No-ops and refusals leave it alone.
	before, _ := s.AuthzGeneration(bg)
	_, _, _ = s.AttachPolicy(bg, "default", "ReadOnly", backend.PolicyTarget{User: "new"}) // user gone: not found
	_, _, _ = s.AddOwner(bg, "default", "bot", "bot")                                      // invalid
	_, _, err = s.AttachPolicy(bg, "default", "monitoring", backend.PolicyTarget{User: "bot"})
	check(t, err) // already attached
	if after, _ := s.AuthzGeneration(bg); after != before {
		t.Errorf("no-ops changed the generation (%d -> %d)", before, after)
	}
}

func TestCompiledPolicyCacheFollowsRevisions(t *testing.T) {
	s := newTestService(t)
	create := func(action string) {
		_, _, err := s.CreatePolicy(bg, "default", backend.CreatePolicyInput{Name: "p", Statements: []domain.PolicyStatement{stmt("allow", action, "*")}})
		check(t, err)
	}
	allows := func(action string) bool {
		var ok bool
		check(t, s.view(func(tx *boltstore.Tx) error {
			p, found, err := s.compiledPolicy(tx, "default", "p")
			if err != nil {
				return err
			}
			if !found {
				return errors.New("policy p not found")
			}
			ok = p.Document().Statements[0].Actions[0] == action
			return nil
		}))
		return ok
	}
	create("key:read")
	if !allows("key:read") {
		t.Fatal("first compile")
	}
	// Deleted and re-created with other content under the same name: the
	// cache must not hand out the old one.
	check(t, s.DeletePolicy(bg, "default", "p", backend.DeletePolicyOptions{}))
	create("tenant:read")
	if !allows("tenant:read") {
		t.Fatal("stale compiled policy after delete and re-create")
	}
}

// A Batch that rolls back hands its generation and revisions out again; what
// it compiled must not be served for the content committed under them.
func TestRolledBackBatchDoesNotPoisonCaches(t *testing.T) {
	s := newTestService(t)
	_, err := s.CreateServiceUser(bg, "default", backend.CreateServiceUserInput{ID: "bot"})
	check(t, err)
	grant := func(svc *Service, action string) error {
		if _, _, err := svc.CreatePolicy(bg, "default", backend.CreatePolicyInput{Name: "p", Statements: []domain.PolicyStatement{stmt("allow", action, "*")}}); err != nil {
			return err
		}
		_, _, err := svc.AttachPolicy(bg, "default", "p", backend.PolicyTarget{User: "bot"})
		return err
	}
	rollback := errors.New("roll back")
	err = s.Batch(func(b *Service) error {
		if err := grant(b, "tenant:read"); err != nil {
			return err
		}
		p, _, err := b.Principal(bg, "default", "bot", "")
		if err != nil {
			return err
		}
		if !p.Decide("tenant:read", "tenant").Allowed {
			t.Error("inside the batch the grant does not show")
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("batch: %v", err)
	}
	check(t, grant(s, "metrics:read"))
	p, _, err := s.Principal(bg, "default", "bot", "")
	check(t, err)
	if p.Decide("tenant:read", "tenant").Allowed || !p.Decide("metrics:read", "tenant").Allowed {
		t.Fatal("served the principal of a rolled-back batch")
	}
}
