package backendtest

import (
	"context"
	"slices"
	"testing"

	"github.com/keyward/keyward/internal/backend"
)

func init() { register("SigningKeyRotation", withBackend(testSigningKeyRotation)) }

// Each rotation makes a new active key and retires the previous one, which
// is kept (not removed) while its tokens may still be valid.
func testSigningKeyRotation(t *testing.T, b backend.Backend) {
	ctx := context.Background()
	first := must(b.RotateSigningKey(ctx))
	if first.KID == "" || len(first.Retired) != 1 || first.Removed == nil || first.RetiredUntil.IsZero() {
		t.Fatalf("first rotation = %+v", first)
	}
	second := must(b.RotateSigningKey(ctx))
	if second.KID == first.KID || !slices.Equal(second.Retired, []string{first.KID}) || len(second.Removed) != 0 {
		t.Fatalf("second rotation = %+v after %+v", second, first)
	}
}
