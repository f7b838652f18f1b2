package boltstore

import "errors"

// Pepper returns the HMAC key of secret hashes; nil before the first write.
func (tx *Tx) Pepper() []byte {
	meta := tx.top(bucketMeta)
	if meta == nil {
		return nil
	}
	if p := meta.Get(metaPepper); p != nil {
		return append([]byte(nil), p...)
	}
	return nil
}

// SetPepper stores the pepper; it refuses to replace one, since every stored
// secret hash depends on it.
func (tx *Tx) SetPepper(p []byte) error {
	meta := tx.top(bucketMeta)
	if meta.Get(metaPepper) != nil {
		return errors.New("pepper already set")
	}
	return meta.Put(metaPepper, p)
}

// SigningKeys returns the stored signing key records by key id.
func (tx *Tx) SigningKeys() (map[string][]byte, error) {
	out := map[string][]byte{}
	b := tx.top(bucketSigningKeys)
	if b == nil {
		return out, nil
	}
	err := b.ForEach(func(k, v []byte) error {
		out[string(k)] = append([]byte(nil), v...)
		return nil
	})
	return out, err
}

// PutSigningKey stores a signing key record under its key id.
func (tx *Tx) PutSigningKey(kid string, record []byte) error {
	return tx.top(bucketSigningKeys).Put([]byte(kid), record)
}

// DeleteSigningKey removes a signing key record.
func (tx *Tx) DeleteSigningKey(kid string) error {
	return tx.top(bucketSigningKeys).Delete([]byte(kid))
}
