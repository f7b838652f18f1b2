package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// TestKeyTypes covers --type: a type must be in the tenant's catalog, is
// stored on the key, survives rotation, and with oneKeyPerType a user holds
// one active key per type.
func TestKeyTypes(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s := newService(t, clock)
	defer s.Close()
	for _, name := range []string{"MONITORING", "PROVISIONING"} {
		if _, _, err := s.CreateKeyType(ctx, "default", backend.CreateKeyTypeInput{Name: name, Scope: "ReadOnly"}); err != nil {
			t.Fatal(err)
		}
	}
	mustDo(s.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{
		OneKeyPerType: ptrTo(true), MaxActiveKeysPerUser: ptrTo(5)}}))
	mustDo(s.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: "bot", NoKey: true, Policies: []string{"Administrator"}}))

	_, err := s.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Type: "NOPE"})
	if domain.CodeOf(err) != domain.CodeNotFound || !strings.Contains(err.Error(), `key type "NOPE" not found`) {
		t.Fatalf("unknown type: %v", err)
	}
	mon := mustDo(s.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Type: "MONITORING"}))
	if mon.Type == nil || *mon.Type != "MONITORING" {
		t.Fatalf("type = %v", mon.Type)
	}
	_, err = s.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Type: "MONITORING"})
	if domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(err.Error(), "oneKeyPerType") {
		t.Fatalf("second key of a type: %v", err)
	}
	mustDo(s.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Type: "PROVISIONING"}))
	mustDo(s.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	mustDo(s.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{}))
	// Rotation replaces the key of the type; the successor keeps the type.
	next := mustDo(s.RotateKey(ctx, "default", mon.ID, backend.RotateKeyInput{Grace: "1h"}))
	if next.Type == nil || *next.Type != "MONITORING" {
		t.Fatalf("successor type = %v", next.Type)
	}
	// A deactivated key of the type frees it; reactivating the other is refused.
	mustDo(s.SetKeyStatus(ctx, "default", next.ID, domain.KeyInactive))
	mustDo(s.GenerateKey(ctx, "default", "bot", backend.GenerateKeyInput{Type: "MONITORING", Name: "mon2"}))
	_, err = s.SetKeyStatus(ctx, "default", next.ID, domain.KeyActive)
	if domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("reactivating a second key of a type: %v", err)
	}
	auth := mustDo(s.VerifySecret(ctx, mon.Secret, netipAny))
	if auth.KeyType == nil || *auth.KeyType != "MONITORING" {
		t.Fatalf("auth key type = %v", auth.KeyType)
	}
}
