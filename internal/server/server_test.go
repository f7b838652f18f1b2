package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// Bodies over 1 MiB are refused with 413, whether or not they announce
// their length.
func TestBodyTooLarge(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, f.AdminKeyID, f.AdminSecret)
	big := append([]byte(`{"id":"x","description":"`), bytes.Repeat([]byte("a"), 2<<20)...)
	big = append(big, `"}`...)
	resp, body := f.call(t, nil, "POST", "/v1/tenants/default/serviceusers", tok, big)
	if code, msg := errorOf(t, body); resp.StatusCode != 413 || code != "invalid" || msg != "request body too large: the limit is 1 MiB" {
		t.Fatalf("2 MiB body: %d %s", resp.StatusCode, body)
	}
	// Chunked: no Content-Length, so the cap trips while reading.
	req, _ := http.NewRequest("POST", f.URL+"/v1/tenants/default/serviceusers", io.MultiReader(bytes.NewReader(big)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.ContentLength = -1
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != 413 {
		t.Fatalf("chunked 2 MiB body: %d", r2.StatusCode)
	}
	status, tr := func() (int, tokenResponse) {
		req, _ := http.NewRequest("POST", f.URL+"/oauth/token", bytes.NewReader(bytes.Repeat([]byte("a"), 2<<20)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, tokenResponse{Description: string(body)}
	}()
	if status != 413 {
		t.Fatalf("2 MiB token request: %d %s", status, tr.Description)
	}
	if users, _ := f.Service.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{}); len(users) != 0 {
		t.Fatal("a refused body created a user")
	}
}

func TestMalformedBodies(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, f.AdminKeyID, f.AdminSecret)
	for body, field := range map[string]string{
		`{"id":"x","bogus":1}`: "bogus",
		`{"id":42}`:            "id",
		`{"id":`:               "body",
		`[1]`:                  "body",
		`{"id":"x"} {}`:        "body",
	} {
		resp, raw := f.call(t, nil, "POST", "/v1/tenants/default/serviceusers", tok, []byte(body))
		if code, _ := errorOf(t, raw); resp.StatusCode != 400 || code != "invalid" || !strings.Contains(string(raw), `"`+field+`":`) {
			t.Errorf("%s: %d %s", body, resp.StatusCode, raw)
		}
	}
	resp, raw := f.call(t, nil, "GET", "/v1/nothing", tok, nil)
	if code, _ := errorOf(t, raw); resp.StatusCode != 404 || code != "not_found" {
		t.Fatalf("unknown endpoint: %d %s", resp.StatusCode, raw)
	}
}

// Last use and refused requests are written in batches, after the requests
// were answered.
func TestBatchedWrites(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	f.token(t, keyID, secret)
	f.requestToken(t, nil, keyID, "kws_0000000000000000000000000000000000000000000000000")
	tok := f.token(t, keyID, secret)
	f.call(t, nil, "DELETE", "/v1/tenants/default/serviceusers/ci-bot", tok, nil)
	if err := f.Server.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var rec boltstore.KeyRecord
	f.Service.DB().View(func(tx *boltstore.Tx) error { rec, _, _ = tx.Key(keyID); return nil })
	if rec.LastUsedAt == nil || !rec.LastUsedAt.Equal(f.clock.Now()) || rec.LastUsedIP == nil || *rec.LastUsedIP != "127.0.0.1" {
		t.Fatalf("last used = %v %v", rec.LastUsedAt, rec.LastUsedIP)
	}
	events, err := f.Service.ListAudit(ctx, "default", backend.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var denied []domain.AuditEvent
	for _, ev := range events {
		if ev.Outcome == domain.OutcomeDenied {
			denied = append(denied, ev)
		}
	}
	if len(denied) != 2 {
		t.Fatalf("denied events = %+v", denied)
	}
	// Newest first: the refused delete, then the wrong secret.
	if d := denied[0]; d.Action != "serviceuser:delete" || d.Actor != "serviceuser:default/ci-bot" || !strings.Contains(d.Detail, "default deny") {
		t.Errorf("denied delete = %+v", d)
	}
	if d := denied[1]; d.Action != "token:issue" || d.Target != authz.KeyResource("default", "ci-bot", keyID) || !strings.Contains(d.Detail, "wrong secret") {
		t.Errorf("denied token = %+v", d)
	}
}

// The request log names method, path, status, address, key and actor, and
// never a secret, a token or an Authorization header.
func TestLogHoldsNoSecrets(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	tok := f.token(t, keyID, secret)
	f.call(t, nil, "GET", "/v1/tenants/default/serviceusers?search="+secret, tok, nil)
	f.call(t, nil, "POST", "/v1/tenants/default/serviceusers", tok, map[string]string{"id": "x", "description": secret})
	f.call(t, nil, "GET", "/v1/tenants/default", tok+"x", nil)
	f.requestToken(t, nil, keyID, secret+"x")
	f.requestToken(t, nil, secret, keyID) // id and secret swapped
	log := f.log.String()
	if !strings.Contains(log, `"path":"/v1/tenants/default/serviceusers"`) || !strings.Contains(log, `"key":"`+keyID+`"`) ||
		!strings.Contains(log, `"actor":"serviceuser:default/ci-bot"`) || !strings.Contains(log, `"status":403`) {
		t.Fatalf("log lacks the request lines:\n%s", log)
	}
	for _, leak := range []string{secret, secret[4:20], tok, tok[:20], "Authorization", "Bearer", "kws_"} {
		if strings.Contains(log, leak) {
			t.Fatalf("log contains %.12s…:\n%s", leak, log)
		}
	}
}

func TestReadiness(t *testing.T) {
	f := newFixture(t)
	f.Server.SetNotReady()
	if resp, _ := f.call(t, nil, "GET", "/readyz", "", nil); resp.StatusCode != 503 {
		t.Fatalf("readyz while shutting down: %d", resp.StatusCode)
	}
	if resp, _ := f.call(t, nil, "GET", "/healthz", "", nil); resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
}

// The cached read of a service user follows every write and the clock (a
// key shows expired from its expiry on, with no write in between).
func TestReadCacheFollowsWritesAndTime(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "ci-bot", authz.ReadOnlyPolicy)
	expiry := f.clock.Now().Add(time.Minute)
	f.editKey(t, keyID, func(k *boltstore.KeyRecord) { k.ExpiresAt = &expiry })
	tok := f.token(t, keyID, secret)
	get := func() domain.ServiceUser {
		t.Helper()
		resp, body := f.call(t, nil, "GET", "/v1/tenants/default/serviceusers/ci-bot", tok, nil)
		var u domain.ServiceUser
		if err := json.Unmarshal(body, &u); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		return u
	}
	if u := get(); u.Description != "" || u.AccessKeys[0].Status != domain.KeyActive || u.AccessKeys[0].LastUsedAt != nil {
		t.Fatalf("first read = %+v", u)
	}
	get()
	desc := "changed"
	if _, err := f.Service.UpdateServiceUser(ctx, "default", "ci-bot", backend.UpdateServiceUserInput{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	if u := get(); u.Description != "changed" {
		t.Fatalf("after a write: %+v", u)
	}
	if err := f.Server.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if u := get(); u.AccessKeys[0].LastUsedAt == nil {
		t.Fatal("last use not shown after the flush")
	}
	f.clock.Advance(59 * time.Second)
	if u := get(); u.AccessKeys[0].Status != domain.KeyActive {
		t.Fatalf("a second before expiry: %s", u.AccessKeys[0].Status)
	}
	// The key itself has expired now, so read as the Administrator.
	f.clock.Advance(time.Second)
	tok = f.token(t, f.AdminKeyID, f.AdminSecret)
	if u := get(); u.AccessKeys[0].Status != domain.KeyExpired {
		t.Fatalf("at expiry: %s", u.AccessKeys[0].Status)
	}
}
