package server_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// applyAs posts changes to /v1/changes with tok and returns the status and
// the results (nil on an error).
func (f *fixture) applyAs(t *testing.T, tok string, changes ...backend.Change) (int, []backend.ChangeResult, []byte) {
	t.Helper()
	resp, body := f.call(t, nil, "POST", "/v1/changes", tok, changes)
	if resp.StatusCode != 200 {
		return resp.StatusCode, nil, body
	}
	var results []backend.ChangeResult
	if err := json.Unmarshal(body, &results); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, results, body
}

// A service user that apply creates over the API gets its creator as an
// owner, as POST .../serviceusers does — unless its entry lists its owners
// — and the later changes of the same call are authorized knowing it:
// the creator, allowed serviceuser:create only, may create a user
// disabled and generate its key, as it could with the single routes.
func TestApplyChangesCreatorBecomesOwner(t *testing.T) {
	f := newFixture(t)
	f.identity(t, "default", "lead")
	tok := f.callerAllowed(t, "maker", []string{"serviceuser:create"})

	status, results, body := f.applyAs(t, tok,
		put(user("bot", func(u *backend.ServiceUserSpec) { u.Status = new(domain.UserDisabled) })),
		put(accessKey("bot", "k", nil)))
	if status != 200 || results[1].AccessKey == nil {
		t.Fatalf("create and generate as the creator: %d %s", status, body)
	}
	u, err := f.Service.GetServiceUser(ctx, "default", "bot")
	if err != nil || !slices.Equal(u.Owners, []string{"maker"}) || u.Status != domain.UserDisabled || len(u.AccessKeys) != 1 {
		t.Fatalf("bot = %+v, %v", u, err)
	}
	events, _ := f.Service.ListAudit(ctx, "default", backend.AuditFilter{Action: "owner:add"})
	if len(events) != 1 || events[0].Actor != "serviceuser:default/maker" || events[0].Target != "kw:default:serviceuser/bot" || events[0].Detail != "kw:default:serviceuser/maker" {
		t.Fatalf("owner:add events = %+v", events)
	}
	// The same entry again changes nothing: the creator stays an owner.
	if status, results, body := f.applyAs(t, tok, put(user("bot", func(u *backend.ServiceUserSpec) { u.Status = new(domain.UserDisabled) }))); status != 200 || results[0].Action != backend.ActionUnchanged {
		t.Fatalf("re-apply: %d %s", status, body)
	}
	// As an owner it manages the key without key rights of its own.
	if status, _, body := f.applyAs(t, tok, put(accessKey("bot", "k", func(k *backend.AccessKeySpec) { k.Description = str("owned") }))); status != 200 {
		t.Fatalf("owner updates the key: %d %s", status, body)
	}

	// Listing the owners gives exactly those: itself needs no owner:add.
	status, _, body = f.applyAs(t, tok, put(user("self-listed", func(u *backend.ServiceUserSpec) { u.Owners = list("maker") })))
	if u, _ := f.Service.GetServiceUser(ctx, "default", "self-listed"); status != 200 || !slices.Equal(u.Owners, []string{"maker"}) {
		t.Fatalf("owners [maker]: %d %s, owners %v", status, body, u.Owners)
	}
	// Listing none: the creator owns nothing, so generating a key needs
	// key:generate, and the call writes nothing.
	status, _, body = f.applyAs(t, tok, put(user("unowned", func(u *backend.ServiceUserSpec) { u.Owners = list() })), put(accessKey("unowned", "k", nil)))
	if code, msg := errorOf(t, body); status != 403 || code != "denied" || !strings.HasPrefix(msg, "key:generate on kw:default:serviceuser/unowned is denied") {
		t.Fatalf("owners []: %d %s", status, body)
	}
	if _, err := f.Service.GetServiceUser(ctx, "default", "unowned"); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a refused call created the user: %v", err)
	}
	// Naming another owner needs owner:add.
	status, _, body = f.applyAs(t, tok, put(user("shared", func(u *backend.ServiceUserSpec) { u.Owners = list("maker", "lead") })))
	if code, msg := errorOf(t, body); status != 403 || code != "denied" || !strings.HasPrefix(msg, "owner:add on kw:default:serviceuser/shared is denied") {
		t.Fatalf("owners [maker, lead]: %d %s", status, body)
	}

	// The system Administrator, of another tenant, owns nothing it creates.
	status, _, body = f.applyAs(t, f.token(t, f.AdminKeyID, f.AdminSecret), put(user("by-admin", nil)))
	if u, _ := f.Service.GetServiceUser(ctx, "default", "by-admin"); status != 200 || len(u.Owners) != 0 {
		t.Fatalf("by the system Administrator: %d %s, owners %v", status, body, u.Owners)
	}
}

// Removing itself as an owner earlier in a call takes the creator's
// ownership away for the changes after it, as with the single routes.
func TestApplyChangesOwnershipFollowsTheCall(t *testing.T) {
	f := newFixture(t)
	tok := f.callerAllowed(t, "maker", []string{"serviceuser:create", "owner:remove"})
	if status, _, body := f.applyAs(t, tok, put(user("bot", nil))); status != 200 {
		t.Fatalf("create: %d %s", status, body)
	}
	status, _, body := f.applyAs(t, tok, put(user("bot", func(u *backend.ServiceUserSpec) { u.Owners = list() })), put(accessKey("bot", "k", nil)))
	if code, msg := errorOf(t, body); status != 403 || code != "denied" || !strings.HasPrefix(msg, "key:generate on kw:default:serviceuser/bot is denied") {
		t.Fatalf("generate after giving up ownership: %d %s", status, body)
	}
	if u, _ := f.Service.GetServiceUser(ctx, "default", "bot"); !slices.Equal(u.Owners, []string{"maker"}) || len(u.AccessKeys) != 0 {
		t.Fatalf("a refused call wrote: %+v", u)
	}
}

// The secret of a key generated by an apply over the API is in the
// response only: never in the server's log, the audit or the database.
func TestApplyChangesSecretOnlyInTheResponse(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, f.AdminKeyID, f.AdminSecret)
	status, results, body := f.applyAs(t, tok, put(user("bot", nil)), put(accessKey("bot", "deploy", nil)))
	if status != 200 || results[1].AccessKey == nil || !strings.HasPrefix(results[1].AccessKey.Secret, "kws_") {
		t.Fatalf("apply: %d %s", status, body)
	}
	secret := results[1].AccessKey.Secret
	if err := f.Server.Flush(ctx); err != nil { // the batched log and audit
		t.Fatal(err)
	}
	events, err := f.Service.ListAudit(ctx, "default", backend.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	audit, _ := json.Marshal(events)
	if !strings.Contains(string(audit), "key:generate") {
		t.Fatalf("no key:generate event: %s", audit)
	}
	db, err := os.ReadFile(f.Service.DB().Path())
	if err != nil {
		t.Fatal(err)
	}
	for where, text := range map[string]string{"log": f.log.String(), "audit": string(audit), "database": string(db)} {
		if strings.Contains(text, secret) || strings.Contains(text, secret[4:]) {
			t.Errorf("the secret is in the %s", where)
		}
	}
	if !strings.Contains(f.log.String(), "/v1/changes") {
		t.Fatalf("the request was not logged: %s", f.log.String())
	}
}
