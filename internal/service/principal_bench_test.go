package service

import (
	"fmt"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// BenchmarkPrincipal measures what a server pays per request to get a
// caller's principal: a user in 3 groups with 10 policies of 10 statements.
// Cached is the steady state (generation unchanged); Rebuild forces a
// rebuild from the store each time, with compiled policies cached.
func BenchmarkPrincipal(b *testing.B) {
	s := newTestService(b)
	var groups []string
	for g := range 3 {
		name := fmt.Sprintf("team-%d", g)
		_, _, err := s.CreateGroup(bg, "default", backend.CreateGroupInput{Name: name})
		check(b, err)
		groups = append(groups, name)
	}
	var own []string
	for p := range 10 {
		var statements []domain.PolicyStatement
		for i := range 10 {
			statements = append(statements, stmt("allow", fmt.Sprintf("app%d:*,key:read", i), fmt.Sprintf("serviceuser/team-%d-*,orders/%d/*", p, i)))
		}
		name := fmt.Sprintf("policy-%d", p)
		_, _, err := s.CreatePolicy(bg, "default", backend.CreatePolicyInput{Name: name, Statements: statements})
		check(b, err)
		if p == 0 {
			own = append(own, name)
		} else {
			_, _, err = s.AttachPolicy(bg, "default", name, backend.PolicyTarget{Group: groups[p%3]})
			check(b, err)
		}
	}
	_, err := s.CreateServiceUser(bg, "default", backend.CreateServiceUserInput{ID: "bot", Policies: own, Groups: groups})
	check(b, err)

	b.Run("Cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := s.Principal(bg, "default", "bot", ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Rebuild", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.authz.mu.Lock()
			s.authz.principals = nil
			s.authz.mu.Unlock()
			if _, _, err := s.Principal(bg, "default", "bot", ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}
