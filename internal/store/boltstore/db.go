package boltstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/domain"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Options say how to open the database.
type Options struct {
	// ReadOnly opens with a shared lock and never creates the file. A missing
	// file is not an error: reads see an empty database.
	ReadOnly bool
	// Timeout bounds the wait for the file lock (1 s for commands, ~100 ms
	// for shell completion). Zero means 1 s.
	Timeout time.Duration
	// Bulk prepares for writing many records (keyward apply): a large
	// initial memory map — address space, not memory — spares a growing
	// file the remaps that copy every node of the open transaction. The
	// file then grows in 16 MB steps (sparse) instead of doubling.
	Bulk bool
}

// bulkMmapSize is the address space mapped at open for bulk writes.
const bulkMmapSize = 1 << 30

// DB is an open keyward database.
type DB struct {
	mu   sync.Mutex // guards bolt while a missing file is created on first write
	bolt *bolt.DB   // nil while the file does not exist
	path string
	opts Options
}

// ErrLockedMessage is what a user sees when another process holds the file.
const ErrLockedMessage = "database is in use by another process (is `keyward serve` running? use a remote profile)"

// Open opens the database at path. A missing file is not an error: reads see
// an empty database, and (read-write) the first Update creates the file and
// its directory, so input refused before any write leaves nothing behind.
// The file is 0600 and a created directory 0700 whatever the umask. A lock
// held by another process past the timeout gives a domain.CodeBusy error; a
// schema newer than SchemaVersion gives an error saying so.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	db := &DB{path: path, opts: opts}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return db, nil
	}
	if err := db.open(); err != nil {
		return nil, err
	}
	return db, nil
}

// open opens (read-write: creating, with its directory) the file.
func (db *DB) open() error {
	path, opts := db.path, db.opts
	if !opts.ReadOnly {
		if err := makeDir(filepath.Dir(path)); err != nil {
			return err
		}
	}
	bo := &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly}
	if opts.Bulk && !opts.ReadOnly {
		bo.InitialMmapSize = bulkMmapSize
	}
	b, err := bolt.Open(path, 0o600, bo)
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return &domain.Error{Code: domain.CodeBusy, Message: ErrLockedMessage}
		}
		return fmt.Errorf("open database %s: %w", path, err)
	}
	if !opts.ReadOnly {
		// bbolt creates with 0600 minus the umask; an existing file may be wider.
		if err := os.Chmod(path, 0o600); err != nil {
			b.Close()
			return err
		}
	}
	if err := checkSchema(b, path); err != nil {
		b.Close()
		return err
	}
	db.bolt = b
	return nil
}

func makeDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create database directory: %w", err)
	}
	return os.Chmod(dir, 0o700)
}

// Path is the file this database lives in.
func (db *DB) Path() string { return db.path }

// Bolt exposes the underlying handle for backup and consistency checks.
// It is nil while the file does not exist.
func (db *DB) Bolt() *bolt.DB {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.bolt
}

// Close releases the file and its lock.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.bolt == nil {
		return nil
	}
	return db.bolt.Close()
}

func checkSchema(b *bolt.DB, path string) error {
	return b.View(func(tx *bolt.Tx) error {
		v, err := (&Tx{tx: tx}).schemaVersion()
		if err != nil {
			return err
		}
		if v > SchemaVersion {
			return fmt.Errorf("database %s has schema version %d, newer than this keyward understands (%d); upgrade keyward", path, v, SchemaVersion)
		}
		return nil
	})
}

// View runs fn in a read-only transaction. On a missing file fn sees an
// empty, uninitialised database.
func (db *DB) View(fn func(*Tx) error) error {
	b := db.Bolt()
	if b == nil {
		return fn(&Tx{})
	}
	return b.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Update runs fn in a read-write transaction: everything fn writes commits
// together, or nothing does when fn returns an error. The layout's buckets
// exist before fn runs, and an older schema is migrated first.
func (db *DB) Update(fn func(*Tx) error) error {
	if db.opts.ReadOnly {
		return errors.New("database is open read-only")
	}
	db.mu.Lock()
	if db.bolt == nil {
		if err := db.open(); err != nil {
			db.mu.Unlock()
			return err
		}
	}
	b := db.bolt
	db.mu.Unlock()
	return b.Update(func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx, writable: true}
		if err := tx.migrate(); err != nil {
			return err
		}
		return fn(tx)
	})
}

func (tx *Tx) schemaVersion() (int, error) {
	meta := tx.top(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	raw := meta.Get(metaSchema)
	if raw == nil {
		return 0, nil
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0, fmt.Errorf("database schema version %q is not a number: the file is damaged", raw)
	}
	return v, nil
}

// migrations[i] upgrades schema i to i+1 (see layout.go for what each
// version holds).
var migrations = []func(*Tx) error{
	// 0→1: an empty file gets the buckets; a pre-release file, which kept
	// the records but no derived indexes, also gets its indexes built.
	0: func(tx *Tx) error {
		for _, name := range topLevelBuckets {
			if _, err := tx.tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return tx.rebuildIndexes()
	},
	// 1→2: the revoked-token bucket.
	1: func(tx *Tx) error {
		_, err := tx.tx.CreateBucketIfNotExists(bucketRevokedTokens)
		return err
	},
}

func (tx *Tx) migrate() error {
	v, err := tx.schemaVersion()
	if err != nil {
		return err
	}
	if v == SchemaVersion {
		return nil
	}
	for ; v < SchemaVersion; v++ {
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("migrate database schema %d to %d: %w", v, v+1, err)
		}
	}
	return tx.top(bucketMeta).Put(metaSchema, []byte(strconv.Itoa(SchemaVersion)))
}
