package domain

import (
	"net/mail"
	"strings"
	"testing"
)

// The fast path of CheckEmail must accept only what the full check accepts.
func FuzzPlainAddress(f *testing.F) {
	for _, s := range []string{"a@b.c", "user-0001@example.com", "a.b+c_d@mail.example.co", ".a@b.c", "a.@b.c", "a..b@c.d",
		"a@b", "a@.b.c", "a@b..c", "a@b.c.", "a b@c.d", "a@b-.c", "Bot <bot@example.com>", "a@@b.c", "\"a\"@b.c", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !isPlainAddress(s) {
			return
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
			t.Fatalf("fast path accepts %q, which the full check refuses (%v, %+v)", s, err, a)
		}
	})
}

func TestCheckEmailFastPath(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"ci@example.com", "ci@example.com", true},
		{"  ci@example.com ", "ci@example.com", true},
		{"first.last+tag@mail.example.co.uk", "first.last+tag@mail.example.co.uk", true},
		{"o'brien@example.com", "o'brien@example.com", true}, // full check
		{"nope", "", false},
		{"a@b", "", false},
		{"Bot <bot@example.com>", "", false},
		{"a..b@example.com", "", false},
		{"", "", false},
	} {
		got, err := CheckEmail("email", tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("CheckEmail(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
