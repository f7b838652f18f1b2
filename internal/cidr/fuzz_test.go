package cidr

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

// FuzzParseList splits its input on commas into entries and checks that
// ParseList does not panic, refuses only with the documented error, and on
// success returns a canonical list that Format and ParseList round-trip and
// that Contains every parsed entry. The seed corpus in
// testdata/fuzz/FuzzParseList runs with every plain `go test`.
func FuzzParseList(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		entries := strings.Split(s, ",")
		list, err := ParseList(field, entries)
		if err != nil {
			var e *domain.Error
			if !errors.As(err, &e) || e.Code != domain.CodeInvalid {
				t.Fatalf("error %v (%T) is not an invalid *domain.Error", err, err)
			}
			if why, ok := e.Fields[field]; !ok || e.Message != field+": "+why {
				t.Fatalf("error %q does not name field %q (validationMessages %q)", e.Message, field, e.Fields)
			}
			// The fix a host-bits refusal suggests must itself be accepted.
			if _, fix, ok := strings.Cut(e.Message, "host bits set; did you mean "); ok {
				if _, err := ParseList(field, []string{strings.TrimSuffix(fix, "?")}); err != nil {
					t.Fatalf("suggested fix in %q is refused: %v", e.Message, err)
				}
			}
			return
		}

		assertCanonical(t, list)
		if len(list) > len(entries) || len(list) > MaxEntries {
			t.Fatalf("%d entries gave %d prefixes", len(entries), len(list))
		}
		again, err := ParseList(field, Format(list))
		if err != nil {
			t.Fatalf("ParseList(Format(%v)) = %v", list, err)
		}
		if !slices.Equal(again, list) {
			t.Fatalf("round trip changed %v into %v", list, again)
		}

		for _, entry := range entries {
			p, why := parseEntry(strings.TrimSpace(entry))
			if why != "" || !slices.Contains(list, p) {
				t.Fatalf("entry %q (%v, %q) missing from %v", entry, p, why, list)
			}
			if !Contains(list, p.Addr()) {
				t.Fatalf("Contains(%v, %v) = false for an entry's own address", list, p.Addr())
			}
			if p.Addr().Is4() && !Contains(list, netip.AddrFrom16(p.Addr().As16())) {
				t.Fatalf("Contains(%v, mapped %v) = false", list, p.Addr())
			}
		}
		if got, err := Add(field, list, list); err != nil || !slices.Equal(got, list) {
			t.Fatalf("Add(list, list) = %v, %v; want the list", got, err)
		}
		if got, err := Remove(field, list, list); err != nil || len(got) != 0 {
			t.Fatalf("Remove(list, list) = %v, %v; want an empty list", got, err)
		}
	})
}

func assertCanonical(t *testing.T, list []netip.Prefix) {
	t.Helper()
	for i, p := range list {
		if !p.IsValid() || p != p.Masked() || p.Addr().Is4In6() || p.Addr().Zone() != "" {
			t.Fatalf("%v is not canonical", p)
		}
		if i > 0 && list[i-1].Compare(p) >= 0 {
			t.Fatalf("%v is not sorted and unique", list)
		}
	}
}

// TestFuzzParseListCorpus keeps the committed corpus honest: it must hold
// lists ParseList accepts and lists it refuses.
func TestFuzzParseListCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParseList", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var accepted, refused int
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		header, value, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(value, "string("), ")"))
		if header != "go test fuzz v1" || err != nil {
			t.Fatalf("%s: not a one-string corpus entry", file)
		}
		if _, err := ParseList(field, strings.Split(s, ",")); err == nil {
			accepted++
		} else {
			refused++
		}
	}
	if accepted < 5 || refused < 5 {
		t.Fatalf("corpus has %d accepted and %d refused seeds, want at least 5 of each", accepted, refused)
	}
}
