package root_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmd/root"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// filledDB returns a database file with n service users (as
// internal/tools/benchfill makes them).
func filledDB(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "keyward.db")
	db, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	svc := service.New(db, service.Options{Actor: "local:bench"})
	defer svc.Close()
	err = svc.Batch(func(s *service.Service) error {
		for i := range n {
			id := fmt.Sprintf("svc-%05d", i)
			if _, err := s.CreateServiceUser(context.Background(), "default", backend.CreateServiceUserInput{
				ID: id, DisplayName: fmt.Sprintf("Service user %05d", i), Email: id + "@example.com",
				Description: "created by benchfill for bench/cli.sh",
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// runPiped runs keyward in-process with stdout not a terminal and fails on a
// non-zero exit. Stdout is discarded, as a file would take it: collecting it
// in memory would count the benchmark's buffer as keyward's allocations.
func runPiped(b *testing.B, args ...string) {
	ios, _, _, errOut := iostreams.Test()
	ios.Out = io.Discard
	if code := root.Run(context.Background(), cmdutil.New(ios), args); code != 0 {
		b.Fatalf("keyward %v: exit %d: %s", args, code, errOut)
	}
}

// BenchmarkServiceUserListPiped is `keyward serviceuser list > file` over
// 10,000 users, without process start-up (bench/cli.sh measures that).
func BenchmarkServiceUserListPiped(b *testing.B) {
	db := filledDB(b, 10000)
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	b.ReportAllocs()
	for b.Loop() {
		runPiped(b, "--db", db, "serviceuser", "list")
	}
}

// BenchmarkServiceUserListJSON is `keyward serviceuser list -o json` over
// 10,000 users.
func BenchmarkServiceUserListJSON(b *testing.B) {
	db := filledDB(b, 10000)
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	b.ReportAllocs()
	for b.Loop() {
		runPiped(b, "--db", db, "serviceuser", "list", "-o", "json")
	}
}

// BenchmarkServiceUserListYAML is `keyward serviceuser list -o yaml` over
// 10,000 users.
func BenchmarkServiceUserListYAML(b *testing.B) {
	db := filledDB(b, 10000)
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	b.ReportAllocs()
	for b.Loop() {
		runPiped(b, "--db", db, "serviceuser", "list", "-o", "yaml")
	}
}

// BenchmarkServiceUserShow is `keyward serviceuser show ID` in a database of
// 10,000 users.
func BenchmarkServiceUserShow(b *testing.B) {
	db := filledDB(b, 10000)
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	b.ReportAllocs()
	for b.Loop() {
		runPiped(b, "--db", db, "serviceuser", "show", "svc-05000")
	}
}
