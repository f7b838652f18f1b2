package secret

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestNewKeyIDShape(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id, err := NewKeyID()
		if err != nil {
			t.Fatal(err)
		}
		if !ValidKeyID(id) {
			t.Fatalf("NewKeyID() = %q, not a valid key id", id)
		}
		if seen[id] {
			t.Fatalf("NewKeyID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestNewKeyIDMapsRandomBytes(t *testing.T) {
	tests := []struct {
		name   string
		random []byte
		want   string
	}{
		{"low five bits 0..19", seq(0, 20), "kwk_abcdefghijklmnopqrst"},
		{"high bits ignored", seq(32+12, 20), "kwk_mnopqrstuvwxyz234567"},
		{"top byte is the last symbol", bytes.Repeat([]byte{0xff}, 20), "kwk_" + strings.Repeat("7", 20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newKeyID(bytes.NewReader(tt.random))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("newKeyID() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewKeyIDRandomFailure(t *testing.T) {
	_, err := newKeyID(bytes.NewReader(make([]byte, 19)))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("newKeyID(short reader) error = %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestValidKeyID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"kwk_abcdefghijklmnopqrst", true},
		{"kwk_uvwxyz234567abcdefgh", true},
		{"", false},
		{"kwk_", false},
		{"kwk_abcdefghijklmnopqrs", false},   // 19 characters
		{"kwk_abcdefghijklmnopqrstu", false}, // 21 characters
		{"KWK_abcdefghijklmnopqrst", false},
		{"kws_abcdefghijklmnopqrst", false},
		{"kwk_Abcdefghijklmnopqrst", false}, // upper case
		{"kwk_abcdefghijklmnopqrs1", false}, // 1 is not base32
		{"kwk_abcdefghijklmnopqrs8", false},
		{"kwk_abcdefghijklmnopqrs=", false},
		{" kwk_abcdefghijklmnopqrs", false},
		{"kwk_abcdefghijklmnopqrs\n", false},
		{"kwk_abcdefghijklmnopqr\u00e9", false}, // 24 bytes, but é is not base32
	}
	for _, tt := range tests {
		if got := ValidKeyID(tt.id); got != tt.want {
			t.Errorf("ValidKeyID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

// seq returns n bytes counting up from start.
func seq(start byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}
