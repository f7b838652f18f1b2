package boltstore

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// decodeChunk is the fewest values one goroutine of decodeAllJSON decodes:
// below it, starting goroutines costs more than it saves.
const decodeChunk = 512

// decodeAllJSON decodes every value of b (in key order, nested buckets
// skipped) into a slice. Decoding JSON is what listing thousands of records
// spends its time on, so large buckets are decoded on every core; the
// values are read in place from the transaction's memory map, which stays
// valid and unchanged until the transaction ends.
func decodeAllJSON[T any](b *bolt.Bucket) ([]T, error) {
	if b == nil {
		return nil, nil
	}
	var keys, raws [][]byte
	if err := b.ForEach(func(k, raw []byte) error {
		if raw != nil {
			keys, raws = append(keys, k), append(raws, raw)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]T, len(raws))
	workers := min(runtime.GOMAXPROCS(0), (len(raws)+decodeChunk-1)/decodeChunk)
	if workers <= 1 {
		return out, decodeRange(keys, raws, out, 0, len(raws))
	}
	errs := make([]error, workers)
	per := (len(raws) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		from, to := w*per, min((w+1)*per, len(raws))
		wg.Go(func() { errs[w] = decodeRange(keys, raws, out, from, to) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// decodeRange decodes raws[from:to] into out[from:to].
func decodeRange[T any](keys, raws [][]byte, out []T, from, to int) error {
	for i := from; i < to; i++ {
		if err := json.Unmarshal(raws[i], &out[i]); err != nil {
			return fmt.Errorf("decode %s: %w", keys[i], err)
		}
	}
	return nil
}
