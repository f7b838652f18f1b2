package token

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// RFC 8037 Appendix A.3: the thumbprint of the example Ed25519 key.
func TestThumbprintRFC8037(t *testing.T) {
	x, err := base64.RawURLEncoding.DecodeString("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Thumbprint(ed25519.PublicKey(x)), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; got != want {
		t.Fatalf("Thumbprint = %s; want %s", got, want)
	}
}

func TestNewSigningKey(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	k := mustKey(t, now)
	if k.KID != Thumbprint(k.Public()) {
		t.Errorf("kid %s is not the thumbprint", k.KID)
	}
	if !k.CreatedAt.Equal(now) || k.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt = %v; want %v in UTC", k.CreatedAt, now)
	}
	if k.Retired() {
		t.Error("a new key is retired")
	}
	if other := mustKey(t, now); other.KID == k.KID {
		t.Error("two new keys share a kid")
	}
}

func TestSigningKeyJSONRoundTrip(t *testing.T) {
	retired := testEpoch.Add(time.Hour)
	for _, k := range []SigningKey{
		mustKey(t, testEpoch),
		func() SigningKey { k := mustKey(t, testEpoch); k.RetiredAt = &retired; return k }(),
	} {
		data, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		var fields map[string]any
		if err := json.Unmarshal(data, &fields); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"kid", "alg", "createdAt", "retiredAt", "seed"} {
			if _, ok := fields[name]; !ok {
				t.Errorf("%s missing from %s", name, data)
			}
		}
		if fields["seed"] != base64.RawURLEncoding.EncodeToString(k.Private.Seed()) {
			t.Errorf("seed is not the base64url seed")
		}
		var back SigningKey
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if back.KID != k.KID || !back.CreatedAt.Equal(k.CreatedAt) || !bytes.Equal(back.Private, k.Private) ||
			(back.RetiredAt == nil) != (k.RetiredAt == nil) || (k.RetiredAt != nil && !back.RetiredAt.Equal(*k.RetiredAt)) {
			t.Errorf("round trip changed the key: %s", data)
		}
	}
}

func TestSigningKeyUnmarshalRefusesDamage(t *testing.T) {
	k := mustKey(t, testEpoch)
	other := mustKey(t, testEpoch)
	seed := base64.RawURLEncoding.EncodeToString(k.Private.Seed())
	tests := map[string]string{
		"kid of another key": `{"kid":"` + other.KID + `","alg":"EdDSA","createdAt":"2026-01-01T00:00:00Z","retiredAt":null,"seed":"` + seed + `"}`,
		"short seed":         `{"kid":"` + k.KID + `","alg":"EdDSA","createdAt":"2026-01-01T00:00:00Z","retiredAt":null,"seed":"AAAA"}`,
		"not base64":         `{"kid":"` + k.KID + `","alg":"EdDSA","createdAt":"2026-01-01T00:00:00Z","retiredAt":null,"seed":"!!"}`,
		"other algorithm":    `{"kid":"` + k.KID + `","alg":"RS256","createdAt":"2026-01-01T00:00:00Z","retiredAt":null,"seed":"` + seed + `"}`,
		"not an object":      `[]`,
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			var got SigningKey
			err := json.Unmarshal([]byte(data), &got)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), seed) {
				t.Errorf("error %q contains the seed", err)
			}
		})
	}
}

func TestSigningKeyNeverPrintsKeyMaterial(t *testing.T) {
	k := mustKey(t, testEpoch)
	secrets := []string{
		base64.RawURLEncoding.EncodeToString(k.Private.Seed()),
		base64.StdEncoding.EncodeToString(k.Private.Seed()),
		fmt.Sprint([]byte(k.Private[:8])),
		fmt.Sprintf("%x", k.Private[:8]),
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("loaded", "key", k)
	for _, out := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k), fmt.Sprintf("%v", &k), logged.String()} {
		if !strings.Contains(out, k.KID) {
			t.Errorf("%q does not name the kid", out)
		}
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%q contains key material", out)
			}
		}
	}
}
