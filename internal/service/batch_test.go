package service_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/service"
)

func TestBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	create := func(id, email string) func(*service.Service) error {
		return func(b *service.Service) error {
			_, err := b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: id, Email: email})
			return err
		}
	}
	tests := []struct {
		name      string
		calls     []func(*service.Service) error
		ignoreErr bool        // fn swallows the calls' errors
		wantCode  domain.Code // "" = success
		wantUsers int
	}{
		{"all succeed", []func(*service.Service) error{create("a", "a@example.com"), create("b", "")}, false, "", 2},
		{"a rule refuses one: none committed", []func(*service.Service) error{create("a", "x@example.com"), create("b", "X@example.com")}, false, domain.CodeConflict, 0},
		{"invalid input ignored by fn wrote nothing", []func(*service.Service) error{create("a", ""), create("Bad", ""), create("c", "")}, true, "", 2},
		{"conflict ignored by fn still fails the batch", []func(*service.Service) error{create("a", ""), create("a", "")}, true, domain.CodeConflict, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newService(t, &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)})
			defer s.Close()
			err := s.Batch(func(b *service.Service) error {
				for _, call := range tt.calls {
					if err := call(b); err != nil && !tt.ignoreErr {
						return err
					}
				}
				return nil
			})
			if tt.wantCode == "" && err != nil || tt.wantCode != "" && domain.CodeOf(err) != tt.wantCode {
				t.Fatalf("Batch = %v, want code %q", err, tt.wantCode)
			}
			us, err := s.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(us) != tt.wantUsers {
				t.Errorf("%d users after the batch, want %d", len(us), tt.wantUsers)
			}
			evs, err := s.ListAudit(ctx, "default", backend.AuditFilter{Action: "serviceuser:create"})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != tt.wantUsers {
				t.Errorf("%d audit events, want one per created user (%d)", len(evs), tt.wantUsers)
			}
		})
	}
}

func TestBatchReadsItsOwnWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newService(t, &testClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)})
	defer s.Close()
	errStop := errors.New("stop")
	err := s.Batch(func(b *service.Service) error {
		for i := range 3 {
			if _, err := b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: fmt.Sprintf("u%d", i)}); err != nil {
				return err
			}
		}
		us, err := b.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{})
		if err != nil || len(us) != 3 {
			t.Errorf("inside the batch: %d users, %v; want 3", len(us), err)
		}
		return errStop // fn's own error rolls everything back
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Batch = %v, want fn's error", err)
	}
	if us, _ := s.ListServiceUsers(ctx, "default", backend.ListServiceUsersFilter{}); len(us) != 0 {
		t.Errorf("%d users after a failed batch, want 0", len(us))
	}
}
