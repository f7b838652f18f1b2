package boltstore

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// Encoded writes store exactly what PutUser and AppendAudit store.
func TestEncodedWritesMatch(t *testing.T) {
	db := healthyDB(t)
	email := "c@example.com"
	u := domain.ServiceUser{ID: "c", Tenant: "acme", DisplayName: "C \"quoted\"", Email: &email, Status: domain.UserActive,
		AccessKeys: []domain.AccessKey{{ID: "kwk_x"}}, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	ev := domain.AuditEvent{Time: u.CreatedAt, Actor: "local:test", Tenant: "acme", Action: "serviceuser:create", Target: "kw:acme:serviceuser/c", Outcome: "success"}
	var direct, encoded struct{ user, event []byte }
	read := func(tx *Tx, id string) (user, event []byte) {
		b, _ := tx.tenantBucket("acme", bucketUsers, false)
		c := tx.top(bucketAudit).Cursor()
		_, last := c.Last()
		return append([]byte(nil), b.Get([]byte(id))...), append([]byte(nil), last...)
	}
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutUser(u); err != nil {
			return err
		}
		e := ev
		if err := tx.AppendAudit(&e); err != nil {
			return err
		}
		direct.user, direct.event = read(tx, "c")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *Tx) error {
		eu, err := EncodeUser(u)
		if err != nil {
			return err
		}
		ea, err := EncodeAudit(ev)
		if err != nil {
			return err
		}
		if err := tx.PutEncodedUser(eu); err != nil {
			return err
		}
		if err := tx.AppendEncodedAudit(ea); err != nil {
			return err
		}
		encoded.user, encoded.event = read(tx, "c")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(direct.user) != string(encoded.user) {
		t.Fatalf("user records differ:\n%s\n%s", direct.user, encoded.user)
	}
	var a, b domain.AuditEvent
	json.Unmarshal(direct.event, &a)
	json.Unmarshal(encoded.event, &b)
	if b.Seq != a.Seq+1 || string(encoded.event) != string(mustJSON(t, withSeq(ev, b.Seq))) {
		t.Fatalf("audit events: %s then %s", direct.event, encoded.event)
	}
}

func withSeq(ev domain.AuditEvent, seq uint64) domain.AuditEvent { ev.Seq = seq; return ev }

func mustJSON(t *testing.T, v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
