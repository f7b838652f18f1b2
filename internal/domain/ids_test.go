package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckSlug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		wantErr string // "" = valid
	}{
		{"a", ""},
		{"ci-bot", ""},
		{"0day", ""},
		{"a-", ""},
		{"a--b", ""},
		{strings.Repeat("a", 63), ""},
		{"", "id: must not be empty"},
		{strings.Repeat("a", 64), `id: "` + strings.Repeat("a", 64) + `" is 64 characters; the maximum is 63`},
		{"CiBot", `id: "CiBot" has upper-case letters; use lower case ("cibot")`},
		{"ci bot", `id: "ci bot" may contain only a-z, 0-9 and '-', and must start with a letter or digit`},
		{"-ci", `may contain only a-z, 0-9 and '-', and must start with a letter or digit`},
		{"ci_bot", "may contain only"},
		{"ci.bot", "may contain only"},
		{"ci/bot", "may contain only"},
		{"ci\x00bot", "may contain only"},
		{"bötchen", "may contain only"},
	}
	for _, tt := range tests {
		err := CheckSlug("id", tt.in)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("CheckSlug(%q) = %v, want nil", tt.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("CheckSlug(%q) = %v, want error containing %q", tt.in, err, tt.wantErr)
			continue
		}
		var de *Error
		if !errors.As(err, &de) || de.Code != CodeInvalid || de.Fields["id"] == "" {
			t.Errorf("CheckSlug(%q) = %#v, want CodeInvalid naming field id", tt.in, err)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  string
	}{
		{in: "ci@example.com", want: "ci@example.com"},
		{in: "  CI.Bot+tag@Example.COM ", want: "CI.Bot+tag@Example.COM"},
		{in: "a@b.co", want: "a@b.co"},
		{in: "", wantErr: "email: must not be empty"},
		{in: "   ", wantErr: "email: must not be empty"},
		{in: "nope", wantErr: `email: "nope" is not a valid e-mail address`},
		{in: "ci@localhost", wantErr: "is not a valid e-mail address"},
		{in: "CI <ci@example.com>", wantErr: "is not a valid e-mail address"},
		{in: "ci@example.com, other@example.com", wantErr: "is not a valid e-mail address"},
		{in: "ci@@example.com", wantErr: "is not a valid e-mail address"},
		{in: strings.Repeat("a", 250) + "@example.com", wantErr: "email: is longer than 254 characters"},
	}
	for _, tt := range tests {
		got, err := CheckEmail("email", tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("CheckEmail(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CheckEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if EmailKey("CI@Example.COM") != EmailKey("ci@example.com") {
		t.Error("EmailKey differs by case")
	}
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		wantErr string
	}{
		{"Billing Co", ""},
		{"", ""},
		{strings.Repeat("ä", 10), ""}, // counted in characters, not bytes
		{strings.Repeat("a", 11), "name: is 11 characters; the maximum is 10"},
		{"two\nlines", "name: must not contain control characters (got U+000A)"},
		{"tab\there", "U+0009"},
		{"del\x7f", "U+007F"},
	}
	for _, tt := range tests {
		err := CheckText("name", tt.in, 10)
		if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("CheckText(%q) = %v, want %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	nf := NotFound("service user %q not found", "x").WithHint("see `keyward serviceuser list`")
	if !errors.Is(nf, ErrNotFound) || errors.Is(nf, ErrConflict) {
		t.Error("errors.Is does not match by code")
	}
	if errors.Is(nf, NotFound("other")) {
		t.Error("errors.Is matched an error with a message: only sentinels match by code")
	}
	if got := nf.Error(); got != "service user \"x\" not found (see `keyward serviceuser list`)" {
		t.Errorf("Error() = %q", got)
	}
	wrapped := errors.Join(errors.New("context"), Conflict("exists"))
	if CodeOf(wrapped) != CodeConflict || CodeOf(errors.New("plain")) != CodeInternal || CodeOf(nil) != CodeInternal {
		t.Error("CodeOf does not unwrap or classify")
	}
	for _, e := range []*Error{Denied("d"), Unauthenticated("u"), Invalid("f", "why %d", 1)} {
		if e.Message == "" || e.Code == "" {
			t.Errorf("constructor left %+v incomplete", e)
		}
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	var v Validation
	if v.Err() != nil {
		t.Fatal("empty Validation has an error")
	}
	v.Add("b", "second %s", "reason")
	v.Add("a", "first")
	v.Add("a", "ignored: the first reason wins")
	v.AddError("id", CheckSlug("id", "Bad"))
	v.AddError("other", errors.New("plain error"))
	v.AddError("none", nil)
	err := v.Err()
	want := `a: first; b: second reason; id: "Bad" has upper-case letters; use lower case ("bad"); other: plain error`
	if err == nil || err.Error() != want {
		t.Fatalf("Err() = %v, want %s", err, want)
	}
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeInvalid || len(de.Fields) != 4 || de.Fields["a"] != "first" {
		t.Errorf("Err() = %#v", err)
	}
}
