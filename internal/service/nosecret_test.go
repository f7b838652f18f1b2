package service_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// TestNoSecretAtRest generates keys every way there is, then reads the raw
// bytes of the database file and the audit log: no secret, no secret body
// (the 43 random characters), and no 16-character run of one may appear.
func TestNoSecretAtRest(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "keyward.db")
	db, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := service.New(db, service.Options{Now: clock.Now, Actor: "local:test"})
	mustDo(s.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: settingsMax(5)}))

	var secrets []string
	res := mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", Key: &backend.GenerateKeyInput{Name: "first"}}))
	secrets = append(secrets, res.AccessKey.Secret)
	for range 3 {
		secrets = append(secrets, mustDo(s.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{})).Secret)
	}
	secrets = append(secrets,
		mustDo(s.RotateKey(ctx, "default", "bot/first", backend.RotateKeyInput{Grace: "1h"})).Secret,
		mustDo(s.RotateKey(ctx, "default", "bot/key-2", backend.RotateKeyInput{})).Secret)
	for _, sec := range secrets {
		// Some were rotated away; verifying them must not leave a trace either.
		_, _ = s.VerifyKey(ctx, backend.VerifyKeyInput{Secret: sec, IP: "10.0.0.1"})
	}
	audit, err := json.Marshal(mustDo(s.ListAudit(ctx, "default", backend.AuditFilter{})))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, where := range []struct {
		name string
		data []byte
	}{{"database file", raw}, {"audit log", audit}} {
		for _, sec := range secrets {
			body := sec[len("kws_") : len("kws_")+43]
			if bytes.Contains(where.data, []byte(sec)) || bytes.Contains(where.data, []byte(body)) {
				t.Fatalf("%s contains a secret", where.name)
			}
			for i := 0; i+16 <= len(body); i++ {
				if bytes.Contains(where.data, []byte(body[i:i+16])) {
					t.Fatalf("%s contains 16 characters of a secret body", where.name)
				}
			}
		}
	}
	// The file does hold the keys, so the search looked in the right place.
	if !bytes.Contains(raw, []byte(res.AccessKey.ID)) {
		t.Fatal("database file does not contain the key id: wrong file?")
	}
}

func settingsMax(n int) domain.TenantSettingsPatch {
	return domain.TenantSettingsPatch{MaxActiveKeysPerUser: &n}
}
