package apply

import (
	"context"
	"errors"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secretfile"
)

// chunkSecretFiles are the secret files of the keys one chunk generates,
// by index in the chunk: created before the chunk is sent, so that a file
// that cannot be made refuses the chunk before any key exists.
type chunkSecretFiles map[int]*secretfile.File

// createSecretFiles creates the secretFile of every access key the
// entries generate (paths relative to dir); on error, none.
func createSecretFiles(dir string, entries []Entry) (chunkSecretFiles, error) {
	var files chunkSecretFiles
	for i, e := range entries {
		spec, ok := e.Spec.(*backend.AccessKeySpec)
		if !ok || e.Action != backend.ActionCreate || spec.SecretFile == nil {
			continue
		}
		path := SecretPath(dir, *spec.SecretFile)
		f, err := secretfile.Create(path)
		if err != nil {
			files.abort()
			if secretfile.IsExists(err) {
				return nil, domain.Conflict("%s: secret file %s already exists; keyward never overwrites a secret file", e.Ref, path).
					WithHint("move it away, or name a new file")
			}
			return nil, fmt.Errorf("%s: create the secret file: %w", e.Ref, err)
		}
		if files == nil {
			files = chunkSecretFiles{}
		}
		files[i] = f
	}
	return files, nil
}

// abort removes every file: the chunk was not applied.
func (files chunkSecretFiles) abort() {
	for _, f := range files {
		f.Abort()
	}
}

// deliver writes each generated key's secret to its file and clears it
// from the result, so it is never printed. A file whose key was not
// generated after all is removed. When a secret cannot be written, the
// file is removed and the key revoked — its secret would otherwise be lost
// — and the error says so.
func (files chunkSecretFiles) deliver(ctx context.Context, b backend.Backend, results []backend.ChangeResult) error {
	var errs []error
	for i, f := range files {
		k := results[i].AccessKey
		if k == nil {
			f.Abort()
			continue
		}
		if err := f.Write(k.Secret); err != nil {
			msg := fmt.Sprintf("%s: could not write the secret to %s: %v", results[i].Ref, f.Path(), err)
			if _, rerr := b.RevokeKey(ctx, k.Tenant, k.ID); rerr != nil {
				msg += fmt.Sprintf("; revoking the new key %s failed too (%v): revoke it yourself", k.ID, rerr)
			} else {
				msg += fmt.Sprintf("; the new key %s was revoked (apply again to generate another)", k.ID)
			}
			errs = append(errs, errors.New(msg))
		}
		k.Secret = ""
	}
	return errors.Join(errs...)
}
