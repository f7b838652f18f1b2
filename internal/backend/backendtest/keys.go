package backendtest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() {
	register("Keys", func(t *testing.T, h Harness) {
		for _, tc := range []struct {
			name string
			fn   func(*testing.T, Harness, backend.Backend)
		}{
			{"GenerateAndShow", testKeyGenerateAndShow},
			{"TenantRules", testKeyTenantRules},
			{"Limit", testKeyLimit},
			{"Names", testKeyNames},
			{"BadInput", testKeyBadInput},
			{"ListFilters", testKeyListFilters},
			{"Update", testKeyUpdate},
			{"Rotate", testKeyRotate},
			{"RotateGrace", testKeyRotateGrace},
			{"RevokeAndStatus", testKeyRevokeAndStatus},
			{"Restrict", testKeyRestrict},
			{"Verify", testKeyVerify},
			{"VerifyUserState", testKeyVerifyUserState},
			{"Purge", testKeyPurge},
			{"ServiceUserCreateWithKey", testServiceUserCreateWithKey},
			{"NoSecretInAudit", testKeyNoSecretInAudit},
			{"SecretAsReference", testKeySecretAsReference},
		} {
			t.Run(tc.name, func(t *testing.T) {
				defer failOnMust(t)
				b := h.New(t)
				t.Cleanup(func() { b.Close() })
				tc.fn(t, h, b)
			})
		}
	})
}

// newUser creates a service user without a key.
func newUser(t *testing.T, b backend.Backend, tenant, id string) {
	t.Helper()
	must(b.CreateServiceUser(ctx, tenant, backend.CreateServiceUserInput{ID: id, NoKey: true}))
}

func verify(t *testing.T, b backend.Backend, secret, ip string) domain.KeyVerification {
	t.Helper()
	return must(b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: secret, IP: ip}))
}

// wantAuth fails unless secret authenticates (want true) or is refused with
// a reason containing reason.
func wantAuth(t *testing.T, b backend.Backend, secret, ip string, want bool, reason string) {
	t.Helper()
	v := verify(t, b, secret, ip)
	if v.Authenticated != want || !strings.Contains(v.Reason, reason) {
		t.Fatalf("verify = authenticated %v reason %q, want %v %q", v.Authenticated, v.Reason, want, reason)
	}
}

func testKeyGenerateAndShow(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "bot")
	k := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Name: "deploy", Description: "CI", CIDRAllowList: []string{"10.0.0.0/8", "::ffff:192.0.2.7"}}))
	if !strings.HasPrefix(k.ID, "kwk_") || len(k.ID) != 24 || !strings.HasPrefix(k.Secret, "kws_") || len(k.Secret) != 53 {
		t.Fatalf("id %q secret length %d", k.ID, len(k.Secret))
	}
	if k.Tenant != "default" || k.ServiceUser != "bot" || k.Name != "deploy" || k.Status != domain.KeyActive ||
		k.Hint != "•••••"+k.Secret[len(k.Secret)-5:] || k.ExpiresAt == nil || k.CreatedBy == "" || k.Type != nil {
		t.Fatalf("generated = %+v", k.AccessKey)
	}
	if got := strings.Join(k.CIDRAllowList, ","); got != "10.0.0.0/8,192.0.2.7/32" {
		t.Fatalf("cidrs = %s", got)
	}
	// Default expiry: keyTtlDefault (90d) from now.
	if d := k.ExpiresAt.Sub(k.CreatedAt); d != 90*24*time.Hour {
		t.Fatalf("lifetime = %v, want 90d", d)
	}
	for _, ref := range []string{k.ID, "bot/deploy"} {
		got := must(b.GetKey(ctx, "default", ref))
		if got.ID != k.ID || got.Hint != k.Hint {
			t.Fatalf("GetKey(%s) = %+v", ref, got)
		}
		raw, _ := json.Marshal(got)
		if strings.Contains(string(raw), k.Secret) || strings.Contains(string(raw), "secret") {
			t.Fatalf("masked key carries the secret: %s", raw)
		}
	}
	u := must(b.GetServiceUser(ctx, "default", "bot"))
	if len(u.AccessKeys) != 1 || u.AccessKeys[0].ID != k.ID {
		t.Fatalf("user keys = %+v", u.AccessKeys)
	}
	// Keys are valid only in their tenant.
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "other"}))
	_, err := b.GetKey(ctx, "other", k.ID)
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.GetKey(ctx, "default", "bot/nope")
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.GetKey(ctx, "default", "ghost/deploy")
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.GetKey(ctx, "default", "kwk_aaaaaaaaaaaaaaaaaaaa")
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.GetKey(ctx, "default", "deploy")
	wantField(t, err, "key")
	_, err = b.GetKey(ctx, "default", k.Secret)
	wantField(t, err, "key")
	if strings.Contains(err.Error(), k.Secret) {
		t.Fatal("error quotes the secret")
	}
}

func testKeyTenantRules(t *testing.T, h Harness, b backend.Backend) {
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "strict", Settings: domain.TenantSettingsPatch{
		KeyTTLDefault: ptr("30d"), KeyTTLMax: ptr("180d"), RequireKeyName: ptr(true)}}))
	newUser(t, b, "strict", "bot")
	_, err := b.GenerateKey(ctx, "strict", "bot", backend.GenerateKeyInput{})
	wantField(t, err, "name")
	_, err = b.GenerateKey(ctx, "strict", "bot", backend.GenerateKeyInput{Name: "a", Expires: "never"})
	wantField(t, err, "expires")
	_, err = b.GenerateKey(ctx, "strict", "bot", backend.GenerateKeyInput{Name: "a", Expires: "181d"})
	wantField(t, err, "expires")
	if !strings.Contains(err.Error(), "180d") {
		t.Fatalf("too long expiry error %q does not name the maximum", err)
	}
	k := must(b.GenerateKey(ctx, "strict", "bot", backend.GenerateKeyInput{Name: "a"}))
	if d := k.ExpiresAt.Sub(k.CreatedAt); d != 30*24*time.Hour {
		t.Fatalf("default lifetime %v, want 30d", d)
	}
	k = must(b.GenerateKey(ctx, "strict", "bot", backend.GenerateKeyInput{Name: "b", Expires: "180d"}))
	if d := k.ExpiresAt.Sub(k.CreatedAt); d != 180*24*time.Hour {
		t.Fatalf("lifetime %v, want 180d", d)
	}

	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "expiry", Settings: domain.TenantSettingsPatch{RequireKeyExpiry: ptr(true)}}))
	newUser(t, b, "expiry", "bot")
	_, err = b.GenerateKey(ctx, "expiry", "bot", backend.GenerateKeyInput{Expires: "never"})
	wantField(t, err, "expires")

	// The default tenant allows never, dates and lifetimes.
	newUser(t, b, "default", "bot")
	k = must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Expires: "never"}))
	if k.ExpiresAt != nil {
		t.Fatalf("never gave expiry %v", k.ExpiresAt)
	}
	k = must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Expires: "2099-01-31"}))
	if k.ExpiresAt == nil || !k.ExpiresAt.Equal(time.Date(2099, 1, 31, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("date expiry = %v", k.ExpiresAt)
	}
}

func testKeyLimit(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "bot")
	k1 := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	n := auditCount(t, b, "default")
	_, err := b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{})
	wantCode(t, err, domain.CodeConflict)
	for _, want := range []string{k1.ID, "key-1", "key-2", "key deactivate", "key rotate"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("limit error %q does not mention %q", err, want)
		}
	}
	if auditCount(t, b, "default") != n {
		t.Fatal("refused generate wrote an audit event")
	}
	// Deactivating frees the slot; activating again needs one.
	must(b.SetKeyStatus(ctx, "default", "bot/key-1", domain.KeyInactive))
	k3 := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	_, err = b.SetKeyStatus(ctx, "default", k1.ID, domain.KeyActive)
	wantCode(t, err, domain.CodeConflict)
	// Deactivate + revoke, and the inactive key comes back.
	must(b.SetKeyStatus(ctx, "default", k3.ID, domain.KeyInactive))
	must(b.RevokeKey(ctx, "default", k3.ID))
	if got := must(b.SetKeyStatus(ctx, "default", k1.ID, domain.KeyActive)); got.Status != domain.KeyActive {
		t.Fatalf("activated = %s", got.Status)
	}
	// Expired keys hold no slot; reviving one by a new expiry needs a slot.
	must(b.RevokeKey(ctx, "default", "bot/key-2"))
	must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Name: "short", Expires: "1h"}))
	h.Advance(2 * time.Hour)
	if got := must(b.GetKey(ctx, "default", "bot/short")); got.Status != domain.KeyExpired {
		t.Fatalf("status after expiry = %s", got.Status)
	}
	must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	_, err = b.UpdateKey(ctx, "default", "bot/short", backend.UpdateKeyInput{Expires: ptr("1d")})
	wantCode(t, err, domain.CodeConflict)
	// The limit is the tenant's.
	must(b.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: ptr(3)}}))
	must(b.UpdateKey(ctx, "default", "bot/short", backend.UpdateKeyInput{Expires: ptr("1d")}))
}

func testKeyNames(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "bot")
	newUser(t, b, "default", "other")
	must(b.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: ptr(5)}}))
	for i, want := range []string{"key-1", "key-2"} {
		if k := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{})); k.Name != want {
			t.Fatalf("key %d named %q, want %q", i, k.Name, want)
		}
	}
	_, err := b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Name: "key-1"})
	wantCode(t, err, domain.CodeConflict)
	// Names are per user.
	must(b.GenerateKey(ctx, "default", "other", backend.GenerateKeyInput{Name: "key-1"}))
	// Renaming frees a name; a clash is refused.
	must(b.UpdateKey(ctx, "default", "bot/key-1", backend.UpdateKeyInput{Name: ptr("deploy")}))
	_, err = b.UpdateKey(ctx, "default", "bot/deploy", backend.UpdateKeyInput{Name: ptr("key-2")})
	wantCode(t, err, domain.CodeConflict)
	if k := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{})); k.Name != "key-3" && k.Name != "key-1" {
		t.Fatalf("next default name %q", k.Name)
	}
	for _, bad := range []string{"a/b", "with space", "-lead", strings.Repeat("n", 65), "ünï"} {
		_, err := b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Name: bad})
		wantField(t, err, "name")
	}
}

func testKeyBadInput(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "bot")
	n := auditCount(t, b, "default")
	for _, tc := range []struct {
		name  string
		user  string
		in    backend.GenerateKeyInput
		code  domain.Code
		field string
	}{
		{"unknown user", "ghost", backend.GenerateKeyInput{}, domain.CodeNotFound, ""},
		{"bad expires", "bot", backend.GenerateKeyInput{Expires: "90x"}, domain.CodeInvalid, "expires"},
		{"past date", "bot", backend.GenerateKeyInput{Expires: "2001-01-01"}, domain.CodeInvalid, "expires"},
		{"host bits", "bot", backend.GenerateKeyInput{CIDRAllowList: []string{"127.0.0.1/31"}}, domain.CodeInvalid, "cidrAllowList"},
		{"not a cidr", "bot", backend.GenerateKeyInput{CIDRAllowList: []string{"10.0.0.0/33"}}, domain.CodeInvalid, "cidrAllowList"},
		{"control char", "bot", backend.GenerateKeyInput{Description: "a\nb"}, domain.CodeInvalid, "description"},
		{"unknown type", "bot", backend.GenerateKeyInput{Type: "NOPE"}, domain.CodeNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.GenerateKey(ctx, "default", tc.user, tc.in)
			if tc.field != "" {
				wantField(t, err, tc.field)
			} else {
				wantCode(t, err, tc.code)
			}
		})
	}
	_, err := b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{CIDRAllowList: []string{"127.0.0.1/31"}})
	if !strings.Contains(err.Error(), "did you mean 127.0.0.0/31?") {
		t.Fatalf("host bits error %q has no suggestion", err)
	}
	_, err = b.GenerateKey(ctx, "nowhere", "bot", backend.GenerateKeyInput{})
	wantCode(t, err, domain.CodeNotFound)
	if auditCount(t, b, "default") != n || len(must(b.ListKeys(ctx, "default", backend.ListKeysFilter{}))) != 0 {
		t.Fatal("refused input wrote something")
	}
	_, err = b.ListKeys(ctx, "default", backend.ListKeysFilter{Status: "gone"})
	wantField(t, err, "status")
	_, err = b.ListKeys(ctx, "default", backend.ListKeysFilter{Expiring: "soon"})
	wantField(t, err, "expiring")
	_, err = b.ListKeys(ctx, "default", backend.ListKeysFilter{ServiceUser: "ghost"})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.RotateKey(ctx, "default", "bot/none", backend.RotateKeyInput{})
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.RevokeKey(ctx, "default", "kwk_aaaaaaaaaaaaaaaaaaaa")
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.SetKeyStatus(ctx, "default", "bot/none", domain.KeyExpired)
	wantField(t, err, "status")
	_, err = b.RevokeUserKeys(ctx, "default", "ghost")
	wantCode(t, err, domain.CodeNotFound)
}

func testKeyListFilters(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "a")
	newUser(t, b, "default", "b")
	must(b.GenerateKey(ctx, "default", "a", backend.GenerateKeyInput{Name: "soon", Expires: "7d"}))
	must(b.GenerateKey(ctx, "default", "a", backend.GenerateKeyInput{Name: "later", Expires: "60d"}))
	must(b.GenerateKey(ctx, "default", "b", backend.GenerateKeyInput{Name: "off", Expires: "never"}))
	must(b.SetKeyStatus(ctx, "default", "b/off", domain.KeyInactive))
	must(b.GenerateKey(ctx, "default", "b", backend.GenerateKeyInput{Name: "brief", Expires: "1h"}))
	h.Advance(2 * time.Hour)
	names := func(f backend.ListKeysFilter) string {
		var out []string
		for _, k := range must(b.ListKeys(ctx, "default", f)) {
			out = append(out, k.ServiceUser+"/"+k.Name)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		f    backend.ListKeysFilter
		want string
	}{
		{backend.ListKeysFilter{ServiceUser: "a"}, "a/later,a/soon"},
		{backend.ListKeysFilter{Status: domain.KeyInactive}, "b/off"},
		{backend.ListKeysFilter{Status: domain.KeyExpired}, "b/brief"},
		{backend.ListKeysFilter{Expiring: "14d"}, "a/soon"},
		{backend.ListKeysFilter{Expiring: "90d", ServiceUser: "b"}, ""},
	} {
		got := names(tc.f)
		// Within a user, keys list in id order: compare as sets.
		if !sameSet(got, tc.want) {
			t.Errorf("ListKeys(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
	if all := must(b.ListKeys(ctx, "default", backend.ListKeysFilter{})); len(all) != 4 || all[0].ServiceUser != "a" || all[3].ServiceUser != "b" {
		t.Fatalf("all keys = %+v", all)
	}
}

func sameSet(a, b string) bool {
	split := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, x := range strings.Split(s, ",") {
			if x != "" {
				m[x] = true
			}
		}
		return m
	}
	ma, mb := split(a), split(b)
	if len(ma) != len(mb) {
		return false
	}
	for x := range ma {
		if !mb[x] {
			return false
		}
	}
	return true
}

func testKeyUpdate(t *testing.T, h Harness, b backend.Backend) {
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme", Settings: domain.TenantSettingsPatch{KeyTTLMax: ptr("30d"), KeyTTLDefault: ptr("7d")}}))
	newUser(t, b, "acme", "bot")
	k := must(b.GenerateKey(ctx, "acme", "bot", backend.GenerateKeyInput{Name: "a"}))
	up := must(b.UpdateKey(ctx, "acme", k.ID, backend.UpdateKeyInput{Name: ptr("b"), Description: ptr("new"), Expires: ptr("10d")}))
	if up.Name != "b" || up.Description != "new" || up.ExpiresAt == nil || up.ExpiresAt.Sub(up.CreatedAt) != 10*24*time.Hour {
		t.Fatalf("updated = %+v", up)
	}
	_, err := b.UpdateKey(ctx, "acme", k.ID, backend.UpdateKeyInput{Expires: ptr("31d")})
	wantField(t, err, "expires")
	_, err = b.UpdateKey(ctx, "acme", k.ID, backend.UpdateKeyInput{Expires: ptr("never")})
	wantField(t, err, "expires")
	_, err = b.UpdateKey(ctx, "acme", k.ID, backend.UpdateKeyInput{Expires: ptr("")})
	wantField(t, err, "expires")
	_, err = b.UpdateKey(ctx, "acme", k.ID, backend.UpdateKeyInput{Name: ptr("")})
	wantField(t, err, "name")
	if got := must(b.GetKey(ctx, "acme", "bot/b")); got.ExpiresAt.Sub(got.CreatedAt) != 10*24*time.Hour {
		t.Fatal("refused update changed the key")
	}
}

func testKeyRotate(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "bot")
	old := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Name: "deploy", Description: "CI", Expires: "30d", CIDRAllowList: []string{"10.0.0.0/8"}}))
	must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	h.Advance(24 * time.Hour)
	// At the limit, rotation still works: the successor takes the old key's slot.
	next := must(b.RotateKey(ctx, "default", "bot/deploy", backend.RotateKeyInput{}))
	if next.ID == old.ID || next.Secret == old.Secret || next.Name != "deploy" || next.Description != "CI" ||
		strings.Join(next.CIDRAllowList, ",") != "10.0.0.0/8" || next.RotatedFrom == nil || *next.RotatedFrom != old.ID {
		t.Fatalf("successor = %+v", next.AccessKey)
	}
	if next.ExpiresAt.Sub(next.CreatedAt) != 30*24*time.Hour {
		t.Fatalf("successor lifetime %v, want the old key's 30d from now", next.ExpiresAt.Sub(next.CreatedAt))
	}
	_, err := b.GetKey(ctx, "default", old.ID)
	wantCode(t, err, domain.CodeNotFound)
	_, err = b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: old.Secret})
	wantCode(t, err, domain.CodeUnauthenticated)
	wantAuth(t, b, next.Secret, "10.1.1.1", true, "")
	if got := must(b.GetKey(ctx, "default", "bot/deploy")); got.ID != next.ID {
		t.Fatalf("bot/deploy is %s, want the successor", got.ID)
	}
	// never stays never.
	must(b.RevokeKey(ctx, "default", "bot/key-2"))
	forever := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Name: "forever", Expires: "never"}))
	if got := must(b.RotateKey(ctx, "default", forever.ID, backend.RotateKeyInput{})); got.ExpiresAt != nil {
		t.Fatalf("never became %v", got.ExpiresAt)
	}
	_, err = b.RotateKey(ctx, "default", "bot/deploy", backend.RotateKeyInput{Grace: "31d"})
	wantField(t, err, "grace")
	_, err = b.RotateKey(ctx, "default", "bot/deploy", backend.RotateKeyInput{Grace: "soon"})
	wantField(t, err, "grace")
}

func testKeyRotateGrace(t *testing.T, h Harness, b backend.Backend) {
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "acme", Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: ptr(1), KeyTTLMax: ptr("60d"), KeyTTLDefault: ptr("60d")}}))
	newUser(t, b, "acme", "bot")
	old := must(b.GenerateKey(ctx, "acme", "bot", backend.GenerateKeyInput{Name: "deploy", Expires: "60d"}))
	next := must(b.RotateKey(ctx, "acme", "bot/deploy", backend.RotateKeyInput{Grace: "24h"}))
	waiting := must(b.GetKey(ctx, "acme", old.ID))
	if waiting.RevokeAt == nil || waiting.RotatedTo == nil || *waiting.RotatedTo != next.ID || waiting.Status != domain.KeyActive {
		t.Fatalf("old key during grace = %+v", waiting)
	}
	// Both authenticate; the old one says it is in its grace period.
	wantAuth(t, b, old.Secret, "", true, "")
	wantAuth(t, b, next.Secret, "", true, "")
	if v := verify(t, b, old.Secret, ""); !v.InGrace || v.ValidUntil == nil || !v.ValidUntil.Equal(*waiting.RevokeAt) {
		t.Fatalf("old key verification = %+v", v)
	}
	// The old key left the name and holds no slot (limit 1): the successor
	// can be renamed, a new key named "deploy" refused only because of the
	// limit, and the old key cannot be rotated again.
	_, err := b.RotateKey(ctx, "acme", old.ID, backend.RotateKeyInput{})
	wantCode(t, err, domain.CodeConflict)
	_, err = b.UpdateKey(ctx, "acme", old.ID, backend.UpdateKeyInput{Name: ptr("x")})
	wantCode(t, err, domain.CodeConflict)
	if got := must(b.ListKeys(ctx, "acme", backend.ListKeysFilter{ServiceUser: "bot", Expiring: "2d"})); len(got) != 1 || got[0].ID != old.ID {
		t.Fatalf("expiring during grace = %+v", got)
	}
	h.Advance(25 * time.Hour)
	// After the window only the successor authenticates; the old key is gone everywhere.
	_, err = b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: old.Secret})
	wantCode(t, err, domain.CodeUnauthenticated)
	wantAuth(t, b, next.Secret, "", true, "")
	_, err = b.GetKey(ctx, "acme", old.ID)
	wantCode(t, err, domain.CodeNotFound)
	if got := must(b.ListKeys(ctx, "acme", backend.ListKeysFilter{})); len(got) != 1 || got[0].ID != next.ID {
		t.Fatalf("keys after grace = %+v", got)
	}
	if u := must(b.GetServiceUser(ctx, "acme", "bot")); len(u.AccessKeys) != 1 {
		t.Fatalf("user keys after grace = %+v", u.AccessKeys)
	}
	// The next write cleans it up; nothing changes for readers.
	must(b.UpdateKey(ctx, "acme", next.ID, backend.UpdateKeyInput{Description: ptr("x")}))
	_, err = b.GetKey(ctx, "acme", old.ID)
	wantCode(t, err, domain.CodeNotFound)
}

func testKeyRevokeAndStatus(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "bot")
	k1 := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	k2 := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	off := must(b.SetKeyStatus(ctx, "default", k1.ID, domain.KeyInactive))
	if off.Status != domain.KeyInactive {
		t.Fatalf("status = %s", off.Status)
	}
	wantAuth(t, b, k1.Secret, "", false, "inactive")
	n := auditCount(t, b, "default")
	must(b.SetKeyStatus(ctx, "default", k1.ID, domain.KeyInactive))
	if auditCount(t, b, "default") != n {
		t.Fatal("deactivating an inactive key wrote an audit event")
	}
	must(b.SetKeyStatus(ctx, "default", k1.ID, domain.KeyActive))
	wantAuth(t, b, k1.Secret, "", true, "")
	gone := must(b.RevokeKey(ctx, "default", "bot/key-1"))
	if gone.ID != k1.ID {
		t.Fatalf("revoked %s, want %s", gone.ID, k1.ID)
	}
	_, err := b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: k1.Secret})
	wantCode(t, err, domain.CodeUnauthenticated)
	_, err = b.RevokeKey(ctx, "default", k1.ID)
	wantCode(t, err, domain.CodeNotFound)
	must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	all := must(b.RevokeUserKeys(ctx, "default", "bot"))
	if len(all) != 2 {
		t.Fatalf("revoked all = %+v", all)
	}
	_, err = b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: k2.Secret})
	wantCode(t, err, domain.CodeUnauthenticated)
	if got := must(b.RevokeUserKeys(ctx, "default", "bot")); len(got) != 0 {
		t.Fatalf("second revoke all = %+v", got)
	}
	if got := must(b.ListAudit(ctx, "default", backend.AuditFilter{Action: "key:revoke"})); len(got) != 3 {
		t.Fatalf("revoke events = %d, want 3", len(got))
	}
}

func testKeyRestrict(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "bot")
	k := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	set := []string{"10.0.0.0/8", "2001:db8::/32", "10.0.0.0/8"}
	got := must(b.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Set: &set}))
	if strings.Join(got.CIDRAllowList, ",") != "10.0.0.0/8,2001:db8::/32" {
		t.Fatalf("set = %v", got.CIDRAllowList)
	}
	got = must(b.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Add: []string{"192.0.2.7", "10.0.0.0/8"}}))
	if strings.Join(got.CIDRAllowList, ",") != "10.0.0.0/8,192.0.2.7/32,2001:db8::/32" {
		t.Fatalf("add = %v", got.CIDRAllowList)
	}
	wantAuth(t, b, k.Secret, "192.0.2.7", true, "")
	wantAuth(t, b, k.Secret, "::ffff:10.9.9.9", true, "")
	wantAuth(t, b, k.Secret, "2001:db8::1", true, "")
	wantAuth(t, b, k.Secret, "192.0.2.8", false, "not in the CIDR allow list of access key")
	got = must(b.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Remove: []string{"10.0.0.0/8", "2001:db8::/32"}}))
	if strings.Join(got.CIDRAllowList, ",") != "192.0.2.7/32" {
		t.Fatalf("remove = %v", got.CIDRAllowList)
	}
	_, err := b.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Remove: []string{"10.0.0.0/8"}})
	wantField(t, err, "cidrAllowList")
	_, err = b.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Add: []string{"127.0.0.1/31"}})
	wantField(t, err, "cidrAllowList")
	if !strings.Contains(err.Error(), "host bits set; did you mean 127.0.0.0/31?") {
		t.Fatalf("error %q", err)
	}
	_, err = b.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{})
	wantField(t, err, "cidrAllowList")
	_, err = b.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Set: &set, Add: set})
	wantField(t, err, "cidrAllowList")
	many := make([]string, 101)
	for i := range many {
		many[i] = "10.0." + itoa(i) + ".0/24"
	}
	_, err = b.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Set: &many})
	wantField(t, err, "cidrAllowList")
	got = must(b.RestrictKey(ctx, "default", k.ID, backend.RestrictKeyInput{Set: &[]string{}}))
	if len(got.CIDRAllowList) != 0 || got.CIDRAllowList == nil {
		t.Fatalf("clear = %#v", got.CIDRAllowList)
	}
	wantAuth(t, b, k.Secret, "203.0.113.1", true, "")
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func testKeyVerify(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "bot")
	k := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Name: "deploy", Expires: "1h", CIDRAllowList: []string{"10.0.0.0/8"}}))
	v := verify(t, b, k.Secret, "10.1.2.3")
	if !v.Authenticated || v.Reason != "" || v.Tenant != "default" || v.ServiceUser != "bot" || v.Key.ID != k.ID ||
		v.UserStatus != domain.UserActive || v.IP == nil || *v.IP != "10.1.2.3" || v.IPAllowed == nil || !*v.IPAllowed ||
		v.ValidUntil == nil || v.InGrace || v.UserCIDRAllowList == nil {
		t.Fatalf("verification = %+v", v)
	}
	v = verify(t, b, k.Secret, "")
	if !v.Authenticated || v.IP != nil || v.IPAllowed != nil {
		t.Fatalf("verification without ip = %+v", v)
	}
	v = verify(t, b, k.Secret, "192.168.0.1")
	if v.Authenticated || v.IPAllowed == nil || *v.IPAllowed {
		t.Fatalf("verification from outside = %+v", v)
	}
	// Not a keyward secret: refused before any lookup, and never quoted.
	bad := k.Secret[:len(k.Secret)-1] + flip(k.Secret[len(k.Secret)-1])
	_, err := b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: bad})
	wantCode(t, err, domain.CodeUnauthenticated)
	if !strings.Contains(err.Error(), "not a keyward secret") || strings.Contains(err.Error(), bad[4:20]) {
		t.Fatalf("bad checksum error %q", err)
	}
	// An unknown secret is unauthenticated, never not found.
	other := h.New(t)
	defer other.Close()
	newUser(t, other, "default", "x")
	stranger := must(other.GenerateKey(ctx, "default", "x", backend.GenerateKeyInput{}))
	_, err = b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: stranger.Secret})
	wantCode(t, err, domain.CodeUnauthenticated)
	_, err = b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: k.Secret, IP: "10.0.0.300"})
	wantField(t, err, "ip")
	// Expired.
	h.Advance(time.Hour)
	wantAuth(t, b, k.Secret, "10.1.2.3", false, "expired")
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func testKeyVerifyUserState(t *testing.T, h Harness, b backend.Backend) {
	res := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", CIDRAllowList: []string{"10.0.0.0/8"},
		Key: &backend.GenerateKeyInput{CIDRAllowList: []string{"10.1.0.0/16", "192.0.2.0/24"}}}))
	k := res.AccessKey
	if strings.Join(res.CIDRAllowList, ",") != "10.0.0.0/8" {
		t.Fatalf("user cidrs = %v", res.CIDRAllowList)
	}
	// The effective list is the intersection of the key's and the user's.
	wantAuth(t, b, k.Secret, "10.1.2.3", true, "")
	wantAuth(t, b, k.Secret, "10.2.0.1", false, "access key")
	wantAuth(t, b, k.Secret, "192.0.2.1", false, `service user "bot"`)
	must(b.UpdateServiceUser(ctx, "default", "bot", backend.UpdateServiceUserInput{CIDRAllowList: &[]string{}}))
	wantAuth(t, b, k.Secret, "192.0.2.1", true, "")
	_, err := b.UpdateServiceUser(ctx, "default", "bot", backend.UpdateServiceUserInput{CIDRAllowList: &[]string{"127.0.0.1/31"}})
	wantField(t, err, "cidrAllowList")
	// Disabling the user stops its keys; enabling brings them back.
	must(b.SetServiceUserStatus(ctx, "default", "bot", domain.UserDisabled))
	v := verify(t, b, k.Secret, "")
	if v.Authenticated || v.UserStatus != domain.UserDisabled || !strings.Contains(v.Reason, "disabled") {
		t.Fatalf("disabled user's key = %+v", v)
	}
	must(b.SetServiceUserStatus(ctx, "default", "bot", domain.UserActive))
	wantAuth(t, b, k.Secret, "", true, "")
	// Deleting the user deletes its keys.
	if err := b.DeleteServiceUser(ctx, "default", "bot"); err != nil {
		t.Fatal(err)
	}
	_, err = b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: k.Secret})
	wantCode(t, err, domain.CodeUnauthenticated)
	_, err = b.GetKey(ctx, "default", k.ID)
	wantCode(t, err, domain.CodeNotFound)
}

func testKeyPurge(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "a")
	newUser(t, b, "default", "b")
	must(b.GenerateKey(ctx, "default", "a", backend.GenerateKeyInput{Name: "brief", Expires: "1h"}))
	must(b.GenerateKey(ctx, "default", "a", backend.GenerateKeyInput{Name: "off"}))
	must(b.SetKeyStatus(ctx, "default", "a/off", domain.KeyInactive))
	must(b.GenerateKey(ctx, "default", "b", backend.GenerateKeyInput{Name: "old"}))
	h.Advance(10 * 24 * time.Hour)
	must(b.GenerateKey(ctx, "default", "b", backend.GenerateKeyInput{Name: "new"}))
	names := func(keys []domain.AccessKey) string {
		var out []string
		for _, k := range keys {
			out = append(out, k.ServiceUser+"/"+k.Name)
		}
		return strings.Join(out, ",")
	}
	_, err := b.PurgeKeys(ctx, "default", backend.PurgeKeysInput{})
	wantCode(t, err, domain.CodeInvalid)
	_, err = b.PurgeKeys(ctx, "default", backend.PurgeKeysInput{UnusedFor: "x"})
	wantField(t, err, "unusedFor")
	n := auditCount(t, b, "default")
	dry := must(b.PurgeKeys(ctx, "default", backend.PurgeKeysInput{Expired: true, Inactive: true, DryRun: true}))
	if !sameSet(names(dry), "a/brief,a/off") || auditCount(t, b, "default") != n {
		t.Fatalf("dry run = %s", names(dry))
	}
	if len(must(b.ListKeys(ctx, "default", backend.ListKeysFilter{}))) != 4 {
		t.Fatal("dry run deleted keys")
	}
	unused := must(b.PurgeKeys(ctx, "default", backend.PurgeKeysInput{UnusedFor: "7d", DryRun: true}))
	if !sameSet(names(unused), "a/brief,a/off,b/old") {
		t.Fatalf("unused for 7d = %s", names(unused))
	}
	gone := must(b.PurgeKeys(ctx, "default", backend.PurgeKeysInput{Expired: true, Inactive: true}))
	if !sameSet(names(gone), "a/brief,a/off") || auditCount(t, b, "default") != n+2 {
		t.Fatalf("purged = %s", names(gone))
	}
	if got := names(must(b.ListKeys(ctx, "default", backend.ListKeysFilter{}))); !sameSet(got, "b/old,b/new") {
		t.Fatalf("left = %s", got)
	}
	// KeyIDs limits the purge to what the operator confirmed.
	old := must(b.GetKey(ctx, "default", "b/old"))
	gone = must(b.PurgeKeys(ctx, "default", backend.PurgeKeysInput{UnusedFor: "1d", KeyIDs: []string{old.ID}}))
	if names(gone) != "b/old" {
		t.Fatalf("purged with ids = %s", names(gone))
	}
}

func testServiceUserCreateWithKey(t *testing.T, h Harness, b backend.Backend) {
	res := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot"}))
	if res.AccessKey == nil || res.AccessKey.Secret == "" || res.AccessKey.Name != "key-1" || res.AccessKey.ServiceUser != "bot" {
		t.Fatalf("first key = %+v", res.AccessKey)
	}
	if len(res.AccessKeys) != 1 || res.AccessKeys[0].ID != res.AccessKey.ID {
		t.Fatalf("user's keys = %+v", res.AccessKeys)
	}
	raw, _ := json.Marshal(res)
	if !strings.Contains(string(raw), `"accessKey":{`) {
		t.Fatalf("json = %s", raw)
	}
	wantAuth(t, b, res.AccessKey.Secret, "", true, "")
	again := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", IfNotExists: true}))
	if again.Created || again.AccessKey != nil || len(again.AccessKeys) != 1 {
		t.Fatalf("if-not-exists = %+v", again)
	}
	none := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bare", NoKey: true}))
	raw, _ = json.Marshal(none)
	if none.AccessKey != nil || !strings.Contains(string(raw), `"accessKey":null`) {
		t.Fatalf("no key = %s", raw)
	}
	_, err := b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "x", NoKey: true, Key: &backend.GenerateKeyInput{}})
	wantField(t, err, "key")
	typed := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "named",
		Key: &backend.GenerateKeyInput{Name: "deploy", Description: "d", Expires: "12h", CIDRAllowList: []string{"192.0.2.1"}}}))
	if k := typed.AccessKey; k.Name != "deploy" || k.Description != "d" || k.ExpiresAt.Sub(k.CreatedAt) != 12*time.Hour || k.CIDRAllowList[0] != "192.0.2.1/32" {
		t.Fatalf("key options = %+v", k.AccessKey)
	}
	// A refused key refuses the user: one transaction.
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "named", Settings: domain.TenantSettingsPatch{RequireKeyName: ptr(true)}}))
	_, err = b.CreateServiceUser(ctx, "named", backend.CreateServiceUserInput{ID: "bot"})
	wantField(t, err, "key.name")
	_, err = b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "y", Key: &backend.GenerateKeyInput{Expires: "soon"}})
	wantField(t, err, "key.expires")
	_, err = b.GetServiceUser(ctx, "named", "bot")
	wantCode(t, err, domain.CodeNotFound)
	must(b.CreateServiceUser(ctx, "named", backend.CreateServiceUserInput{ID: "bot", Key: &backend.GenerateKeyInput{Name: "k"}}))
}

func testKeyNoSecretInAudit(t *testing.T, h Harness, b backend.Backend) {
	res := must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot"}))
	k := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	r := must(b.RotateKey(ctx, "default", k.ID, backend.RotateKeyInput{Grace: "1h"}))
	raw, _ := json.Marshal(must(b.ListAudit(ctx, "default", backend.AuditFilter{})))
	for _, secret := range []string{res.AccessKey.Secret, k.Secret, r.Secret} {
		if strings.Contains(string(raw), secret[4:47]) {
			t.Fatalf("audit log holds a secret body: %s", raw)
		}
	}
	for _, action := range []string{"key:generate", "key:rotate"} {
		if len(must(b.ListAudit(ctx, "default", backend.AuditFilter{Action: action}))) == 0 {
			t.Fatalf("no %s event", action)
		}
	}
}

// testKeySecretAsReference passes a secret where a key reference belongs,
// to every method that takes one: invalid input naming "key", and the
// secret is in neither the error nor the audit log.
func testKeySecretAsReference(t *testing.T, h Harness, b backend.Backend) {
	newUser(t, b, "default", "bot")
	k := must(b.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	calls := map[string]func() error{
		"GetKey":    func() error { _, err := b.GetKey(ctx, "default", k.Secret); return err },
		"UpdateKey": func() error { _, err := b.UpdateKey(ctx, "default", k.Secret, backend.UpdateKeyInput{}); return err },
		"RotateKey": func() error { _, err := b.RotateKey(ctx, "default", k.Secret, backend.RotateKeyInput{}); return err },
		"RevokeKey": func() error { _, err := b.RevokeKey(ctx, "default", k.Secret); return err },
		"SetKeyStatus": func() error {
			_, err := b.SetKeyStatus(ctx, "default", k.Secret, domain.KeyInactive)
			return err
		},
		"RestrictKey": func() error {
			_, err := b.RestrictKey(ctx, "default", k.Secret, backend.RestrictKeyInput{Add: []string{"10.0.0.0/8"}})
			return err
		},
	}
	for name, call := range calls {
		err := call()
		wantCode(t, err, domain.CodeInvalid)
		wantField(t, err, "key")
		if strings.Contains(err.Error(), k.Secret) {
			t.Fatalf("%s: the error shows the secret: %v", name, err)
		}
	}
	if got := must(b.GetKey(ctx, "default", k.ID)); got.Status != domain.KeyActive {
		t.Fatalf("key status = %s after the refused calls; want active", got.Status)
	}
}
