package token

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewKeySetRefusesBadSets(t *testing.T) {
	a, b := mustKey(t, testEpoch), mustKey(t, testEpoch)
	wrongKID := a
	wrongKID.KID = b.KID
	noPrivate := a
	noPrivate.Private = nil
	tests := map[string][]SigningKey{
		"two active keys":    {a, b},
		"duplicate kid":      {a, retire(a, testEpoch)},
		"kid not thumbprint": {wrongKID},
		"no private key":     {noPrivate},
	}
	for name, keys := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := NewKeySet(keys...); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func retire(k SigningKey, at time.Time) SigningKey {
	k.RetiredAt = &at
	return k
}

func jwksKIDs(t *testing.T, ks *KeySet) []string {
	t.Helper()
	var doc struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(ks.JWKS(), &doc); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range doc.Keys {
		kids = append(kids, k["kid"])
	}
	return kids
}

func TestJWKSDocument(t *testing.T) {
	empty, err := NewKeySet()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(empty.JWKS()); got != `{"keys":[]}` {
		t.Errorf("empty JWKS = %s", got)
	}
	if _, ok := empty.Active(); ok {
		t.Error("empty set has an active key")
	}

	k := mustKey(t, testEpoch)
	ks, err := NewKeySet(k)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(ks.JWKS(), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"kty": "OKP", "crv": "Ed25519", "x": b64(k.Public()),
		"kid": k.KID, "use": "sig", "alg": "EdDSA",
	}
	if len(doc.Keys) != 1 || !reflect.DeepEqual(doc.Keys[0], want) {
		t.Errorf("JWKS = %s; want one key %v", ks.JWKS(), want)
	}
	if strings.Contains(string(ks.JWKS()), `"d"`) || strings.Contains(string(ks.JWKS()), b64(k.Private.Seed())) {
		t.Error("JWKS publishes the private key")
	}
}

func TestRotateAndPrune(t *testing.T) {
	first, second, third := mustKey(t, testEpoch), mustKey(t, testEpoch), mustKey(t, testEpoch)
	ks, err := NewKeySet(first)
	if err != nil {
		t.Fatal(err)
	}
	before := ks.JWKS()

	r1 := testEpoch.Add(time.Hour)
	if err := ks.Rotate(second, r1); err != nil {
		t.Fatal(err)
	}
	r2 := r1.Add(time.Hour)
	if err := ks.Rotate(third, r2); err != nil {
		t.Fatal(err)
	}
	if active, _ := ks.Active(); active.KID != third.KID {
		t.Errorf("active = %s; want the newest key", active.KID)
	}
	if got, want := jwksKIDs(t, ks), []string{third.KID, second.KID, first.KID}; !slices.Equal(got, want) {
		t.Errorf("JWKS kids = %v; want active then most recently retired: %v", got, want)
	}
	if string(before) == string(ks.JWKS()) {
		t.Error("JWKS bytes not regenerated")
	}
	keys := ks.Keys()
	if keys[1].RetiredAt == nil || !keys[1].RetiredAt.Equal(r2) || !keys[2].RetiredAt.Equal(r1) {
		t.Errorf("retirement times wrong: %v", keys)
	}

	if err := ks.Rotate(second, r2); err == nil {
		t.Error("rotated to a key already in the set")
	}
	if err := ks.Rotate(retire(mustKey(t, r2), r2), r2); err == nil {
		t.Error("rotated to a retired key")
	}

	// first retired at r1: it stays until r1+MaxTokenTTL, exclusive.
	if removed := ks.Prune(r1.Add(MaxTokenTTL-time.Second), MaxTokenTTL); removed != nil {
		t.Errorf("pruned %v before every token could have expired", removed)
	}
	if removed := ks.Prune(r1.Add(MaxTokenTTL), MaxTokenTTL); !slices.Equal(removed, []string{first.KID}) {
		t.Errorf("pruned %v; want %s", removed, first.KID)
	}
	if removed := ks.Prune(r2.Add(100*MaxTokenTTL), MaxTokenTTL); !slices.Equal(removed, []string{second.KID}) {
		t.Errorf("pruned %v; want only the retired %s", removed, second.KID)
	}
	if got := jwksKIDs(t, ks); !slices.Equal(got, []string{third.KID}) {
		t.Errorf("JWKS after prune = %v", got)
	}

	// Keys survive a store round trip.
	data, err := json.Marshal(ks.Keys())
	if err != nil {
		t.Fatal(err)
	}
	var stored []SigningKey
	if err := json.Unmarshal(data, &stored); err != nil {
		t.Fatal(err)
	}
	reloaded, err := NewKeySet(stored...)
	if err != nil {
		t.Fatal(err)
	}
	if string(reloaded.JWKS()) != string(ks.JWKS()) {
		t.Error("reloaded key set publishes different keys")
	}
}

func TestKeySetConcurrentRotation(t *testing.T) {
	f := newFixture(t, 0)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				raw, _, err := f.issuer.Issue(testRequest())
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := f.verifier.Verify(raw); err != nil {
					t.Error(err)
					return
				}
				_ = f.keys.JWKS()
			}
		})
	}
	for range 20 {
		if err := f.keys.Rotate(mustKey(t, testEpoch), f.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if n := len(jwksKIDs(t, f.keys)); n != 21 {
		t.Errorf("JWKS has %d keys; want 21", n)
	}
}
