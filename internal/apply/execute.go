package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/manifest"
)

// ExecuteOptions tune Execute.
type ExecuteOptions struct {
	// ChunkSize is the most changes per ApplyChanges call, one transaction
	// each (default and maximum backend.MaxChangesPerCall).
	ChunkSize int
	// MaxChunkBytes, when set, also caps the JSON size of a chunk: a remote
	// backend sends each chunk as one request under the server's body limit.
	MaxChunkBytes int
	// Applied is called for every change committed, in order, with what
	// the backend did. For a key generated, r.AccessKey is the key with
	// its secret — or with Secret "" when the secret went to the entry's
	// secretFile: the caller shows the secret (once) or where it went.
	Applied func(e Entry, r backend.ChangeResult)
	// Progress is called after each chunk with the changes done and to do.
	Progress func(done, total int)
}

// PartialError is a failure of Execute after Applied changes (whole chunks)
// had been committed. Running the same input again completes the rest.
type PartialError struct {
	Applied, Total int
	Err            error
	// Source and Pos locate the object refused, when the error names one.
	Source string
	Pos    manifest.Position
}

func (e *PartialError) Error() string { return e.prefix() + e.Err.Error() + e.suffix() }

// prefix is the position of the object refused, when known.
func (e *PartialError) prefix() string {
	if e.Pos.Document == 0 {
		return ""
	}
	return fmt.Sprintf("%s:%d: %s: ", e.Source, e.Pos.Line, e.Pos)
}

func (e *PartialError) suffix() string {
	return fmt.Sprintf(" (applied %d of %d changes before this; run the same file again to complete the rest)", e.Applied, e.Total)
}

// locate sets the position of the entry of c that err names ("AccessKey
// acme/ci-bot/deploy: ..."), as the backend names the object it refused.
func (e *PartialError) locate(source string, c chunk) *PartialError {
	msg := e.Err.Error()
	for _, entry := range c.entries {
		if entry.Pos.Document > 0 && strings.HasPrefix(msg, entry.Ref.String()+": ") {
			e.Source, e.Pos = source, entry.Pos
			break
		}
	}
	return e
}

// Unwrap gives the backend's error, which decides the exit code; a
// *domain.Error comes with this error's whole message (position and what
// was applied), which JSON error output shows.
func (e *PartialError) Unwrap() error {
	var de *domain.Error
	if !errors.As(e.Err, &de) {
		return e.Err
	}
	c := *de
	c.Message = e.prefix() + de.Message + e.suffix()
	return &c
}

type chunk struct {
	entries []Entry
	changes []backend.Change
}

// Execute applies plan through b (pass 2): a reader goroutine cuts the plan
// into chunks while this one applies them in order. It returns what was
// done; after an error, the changes already applied and a *PartialError.
func Execute(ctx context.Context, b backend.Backend, plan *Plan, opts ExecuteOptions) (Counts, error) {
	if opts.ChunkSize <= 0 || opts.ChunkSize > backend.MaxChangesPerCall {
		opts.ChunkSize = backend.MaxChangesPerCall
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	total := plan.Counts.Changes()
	chunks := make(chan chunk, 1)
	produced := make(chan error, 1)
	go func() {
		defer close(chunks)
		produced <- produceChunks(ctx, plan, opts, chunks)
	}()
	done := Counts{Unchanged: plan.Counts.Unchanged}
	applied := 0
	for c := range chunks {
		if err := ctx.Err(); err != nil {
			return drain(chunks, produced, done, &PartialError{Applied: applied, Total: total, Err: err})
		}
		files, err := createSecretFiles(plan.SecretDir, c.entries)
		if err != nil {
			cancel()
			return drain(chunks, produced, done, (&PartialError{Applied: applied, Total: total, Err: err}).locate(plan.Source, c))
		}
		results, err := b.ApplyChanges(ctx, c.changes)
		if err == nil && len(results) != len(c.changes) {
			err = fmt.Errorf("the backend answered %d results for %d changes", len(results), len(c.changes))
		}
		if err != nil {
			files.abort()
			cancel()
			return drain(chunks, produced, done, (&PartialError{Applied: applied, Total: total, Err: err}).locate(plan.Source, c))
		}
		// The chunk is committed: whatever happens to a secret file now,
		// report what was applied.
		deliverErr := files.deliver(ctx, b, results)
		for i, r := range results {
			if c.entries[i].Action == actionFollowUp {
				continue // part of an object already reported
			}
			done.add(r.Action, 1)
			applied++
			if opts.Applied != nil {
				opts.Applied(c.entries[i], r)
			}
		}
		if opts.Progress != nil {
			opts.Progress(applied, total)
		}
		if deliverErr != nil {
			cancel()
			return drain(chunks, produced, done, &PartialError{Applied: applied, Total: total, Err: deliverErr})
		}
	}
	if err := <-produced; err != nil {
		return done, &PartialError{Applied: applied, Total: total, Err: err}
	}
	return done, nil
}

// drain lets the chunk reader stop and returns err.
func drain(chunks <-chan chunk, produced <-chan error, done Counts, err error) (Counts, error) {
	for range chunks {
	}
	<-produced
	return done, err
}

// produceChunks reads the plan and sends the entries that change something,
// in chunks.
func produceChunks(ctx context.Context, plan *Plan, opts ExecuteOptions, out chan<- chunk) error {
	left := plan.Counts.Changes() + plan.followUpParts
	newChunk := func() chunk {
		n := min(left, opts.ChunkSize)
		return chunk{entries: make([]Entry, 0, n), changes: make([]backend.Change, 0, n)}
	}
	cur := newChunk()
	size := 0
	send := func() error {
		if len(cur.changes) == 0 {
			return nil
		}
		left -= len(cur.changes)
		select {
		case out <- cur:
		case <-ctx.Done():
			return ctx.Err()
		}
		cur, size = newChunk(), 0
		return nil
	}
	err := plan.each(func(e Entry) error {
		spec := e.Spec
		if cs, ok := spec.(backend.ClientSide); ok {
			spec = cs.ForBackend()
		}
		change := backend.Change{Op: backend.OpPut, Ref: e.Ref, Spec: spec}
		switch e.Action {
		case backend.ActionUnchanged:
			return nil
		case backend.ActionDelete:
			change = backend.Change{Op: backend.OpDelete, Ref: e.Ref}
		}
		if opts.MaxChunkBytes > 0 {
			raw, err := json.Marshal(change)
			if err != nil {
				return err
			}
			if size+len(raw)+1 > opts.MaxChunkBytes {
				if err := send(); err != nil {
					return err
				}
			}
			size += len(raw) + 1
		}
		cur.entries = append(cur.entries, e)
		cur.changes = append(cur.changes, change)
		if len(cur.changes) == opts.ChunkSize {
			return send()
		}
		return nil
	}, true)
	if err != nil {
		return err
	}
	return send()
}
