// Command benchfill fills a keyward database with service users through the
// service (every rule and audit event applies), in batches of one
// transaction each, for bench/cli.sh. It is a development tool, not part of
// the keyward binary.
//
//	go run ./internal/tools/benchfill -db /tmp/bench.db -n 10000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func main() {
	dbPath := flag.String("db", "", "database file to fill (created if missing)")
	count := flag.Int("n", 10000, "number of service users to create")
	tenant := flag.String("tenant", "default", "tenant to create them in")
	batchSize := flag.Int("batch", 2000, "service users per transaction")
	flag.Parse()
	if *dbPath == "" || *count < 0 || *batchSize < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := fill(*dbPath, *tenant, *count, *batchSize); err != nil {
		fmt.Fprintln(os.Stderr, "benchfill:", err)
		os.Exit(1)
	}
}

func fill(path, tenant string, count, batchSize int) error {
	db, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		return err
	}
	svc := service.New(db, service.Options{Actor: "local:benchfill"})
	defer svc.Close()
	ctx := context.Background()
	start := time.Now()
	for first := 0; first < count; first += batchSize {
		last := min(first+batchSize, count)
		err := svc.Batch(func(b *service.Service) error {
			for i := first; i < last; i++ {
				if _, err := b.CreateServiceUser(ctx, tenant, userInput(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "benchfill: %d service users in tenant %q of %s in %s\n", count, tenant, path, time.Since(start).Round(time.Millisecond))
	return nil
}

// userInput is the i-th user: every field a real one would have, so rows
// and JSON are as long as in use.
func userInput(i int) backend.CreateServiceUserInput {
	id := fmt.Sprintf("svc-%05d", i)
	return backend.CreateServiceUserInput{
		ID:          id,
		DisplayName: fmt.Sprintf("Service user %05d", i),
		Email:       id + "@example.com",
		Description: "created by benchfill for bench/cli.sh",
	}
}
