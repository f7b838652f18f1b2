package service

import "github.com/keyward/keyward/internal/store/boltstore"

// deleteDueRevocations deletes the rotated keys whose grace period is over.
// Reads already treat such keys as gone (keyGone); every write transaction
// calls this first, so they are cleaned up lazily, without a timer. It is
// the execution of a rotation already audited (key:rotate records the
// revokeAt), so it writes no audit event of its own.
func (s *Service) deleteDueRevocations(tx *boltstore.Tx) error {
	for _, r := range tx.DueRevocations(s.clock()) {
		k, ok, err := tx.Key(r.KeyID)
		if err != nil {
			return err
		}
		if ok && k.RevokeAt != nil && k.RevokeAt.Unix() == r.At.Unix() {
			err = tx.DeleteKey(k)
		} else {
			err = tx.DropRevocation(r)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
