package backend

import (
	"context"
	"io"
)

// Database concerns the store as a whole.
type Database interface {
	// Backup writes a consistent copy of the whole database — a bbolt file,
	// taken in one read transaction while others keep reading and writing —
	// to w and returns its size. The copy holds the pepper and the signing
	// keys: it is as sensitive as the database. A database never written to
	// gives CodeNotFound. Remotely only system Administrators may call it.
	Backup(ctx context.Context, w io.Writer) (int64, error)
}
