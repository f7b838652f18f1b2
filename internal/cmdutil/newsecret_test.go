package cmdutil

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secretfile"
)

// revokeRecorder is a Backend whose RevokeKey records its key and answers err.
type revokeRecorder struct {
	backend.Backend
	tenant, ref string
	err         error
}

func (r *revokeRecorder) RevokeKey(_ context.Context, tenant, ref string) (domain.AccessKey, error) {
	r.tenant, r.ref = tenant, ref
	return domain.AccessKey{}, r.err
}

// A secret that cannot be written revokes its key: nobody could use it.
func TestDeliverRevokesTheKeyWhenTheFileFails(t *testing.T) {
	for _, tc := range []struct {
		revokeErr error
		want      string
	}{
		{nil, "; the new key was revoked"},
		{errors.New("server down"), "; revoking the new key failed too (server down): revoke it yourself"},
	} {
		path := filepath.Join(t.TempDir(), "secret")
		file, err := secretfile.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		file.Abort() // closed: the write fails
		n := &NewSecret{Path: path, file: file}
		b := &revokeRecorder{err: tc.revokeErr}
		k := domain.NewAccessKey{AccessKey: domain.AccessKey{ID: "kwk_abcdefghijklmnopqrst"}, Secret: "kws_x"}
		err = n.Deliver(context.Background(), b, "acme", k)
		if err == nil || !strings.HasPrefix(err.Error(), "could not write the secret to "+path) || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("Deliver = %v; want the write error ending %q", err, tc.want)
		}
		if b.tenant != "acme" || b.ref != k.ID {
			t.Errorf("revoked %s/%s; want acme/%s", b.tenant, b.ref, k.ID)
		}
	}
}

func TestDeliverWithoutAFileDoesNothing(t *testing.T) {
	b := &revokeRecorder{}
	if err := (&NewSecret{}).Deliver(context.Background(), b, "acme", domain.NewAccessKey{Secret: "kws_x"}); err != nil || b.ref != "" {
		t.Fatalf("Deliver = %v, revoked %q; want nil and nothing revoked", err, b.ref)
	}
}
