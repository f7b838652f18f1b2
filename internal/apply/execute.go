package apply

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
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
	// the backend did.
	Applied func(e Entry, r backend.ChangeResult)
	// Progress is called after each chunk with the changes done and to do.
	Progress func(done, total int)
}

// PartialError is a failure of Execute after Applied changes (whole chunks)
// had been committed. Running the same input again completes the rest.
type PartialError struct {
	Applied, Total int
	Err            error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%v (applied %d of %d changes before this; run the same file again to complete the rest)", e.Err, e.Applied, e.Total)
}

// Unwrap gives the backend's error, which decides the exit code.
func (e *PartialError) Unwrap() error { return e.Err }

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
		results, err := b.ApplyChanges(ctx, c.changes)
		if err == nil && len(results) != len(c.changes) {
			err = fmt.Errorf("the backend answered %d results for %d changes", len(results), len(c.changes))
		}
		if err != nil {
			cancel()
			return drain(chunks, produced, done, &PartialError{Applied: applied, Total: total, Err: err})
		}
		for i, r := range results {
			done.add(r.Action, 1)
			if opts.Applied != nil {
				opts.Applied(c.entries[i], r)
			}
		}
		applied += len(results)
		if opts.Progress != nil {
			opts.Progress(applied, total)
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
	left := plan.Counts.Changes()
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
		change := backend.Change{Op: backend.OpPut, Ref: e.Ref, Spec: e.Spec}
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
