package domain

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Duration
		str     string // canonical String(); "" = in
		wantErr string // "" = valid
	}{
		{in: "90d", want: Days(90)},
		{in: "1d", want: Days(1)},
		{in: "1d12h", want: Duration{D: 36 * time.Hour}, str: "36h"},
		{in: "36h", want: Duration{D: 36 * time.Hour}},
		{in: "48h", want: Days(2), str: "2d"},
		{in: "12h", want: Duration{D: 12 * time.Hour}},
		{in: "15m", want: Duration{D: 15 * time.Minute}},
		{in: "90m", want: Duration{D: 90 * time.Minute}},
		{in: "60s", want: Duration{D: time.Minute}, str: "1m"},
		{in: "45s", want: Duration{D: 45 * time.Second}},
		{in: "1h30m", want: Duration{D: 90 * time.Minute}, str: "90m"},
		{in: "1500ms", want: Duration{D: 1500 * time.Millisecond}, str: "1.5s"},
		{in: " 7d ", want: Days(7), str: "7d"},
		{in: "never", want: NeverDuration},
		{in: "36500d", want: Days(36500)},
		{in: "", wantErr: "empty duration"},
		{in: "90", wantErr: `"90" is not a duration`},
		{in: "d", wantErr: `"d" is not a duration`},
		{in: "xd", wantErr: `"xd" is not a duration`},
		{in: "-1d", wantErr: `"-1d" is not a duration`},
		{in: "1d-48h", wantErr: `"1d-48h" must be longer than zero`},
		{in: "0s", wantErr: `"0s" must be longer than zero`},
		{in: "0d", wantErr: `"0d" must be longer than zero`},
		{in: "-5m", wantErr: `"-5m" must be longer than zero`},
		{in: "1w", wantErr: `"1w" is not a duration`},
		{in: "36501d", wantErr: `"36501d" is too long`},
		{in: "Never", wantErr: `"Never" is not a duration`},
		{in: "12 h", wantErr: `"12 h" is not a duration`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDuration(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDuration(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
			}
			str := tt.str
			if str == "" {
				str = strings.TrimSpace(tt.in)
			}
			if got.String() != str {
				t.Errorf("String() = %q, want %q", got.String(), str)
			}
			// The canonical form parses back to the same value.
			back, err := ParseDuration(got.String())
			if err != nil || back != got {
				t.Errorf("ParseDuration(%q) = %#v, %v; want %#v", got.String(), back, err, got)
			}
		})
	}
}

func TestDurationJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		TTL  Duration  `json:"ttl"`
		Max  *Duration `json:"max"`
		Zero Duration  `json:"zero"`
	}
	max := Duration{D: 36 * time.Hour}
	raw, err := json.Marshal(doc{TTL: NeverDuration, Max: &max})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"ttl":"never","max":"36h","zero":"0s"}`; string(raw) != want {
		t.Errorf("Marshal = %s, want %s", raw, want)
	}
	var got doc
	if err := json.Unmarshal([]byte(`{"ttl":"90d","max":"1d12h"}`), &got); err != nil {
		t.Fatal(err)
	}
	if got.TTL != Days(90) || got.Max == nil || *got.Max != max {
		t.Errorf("Unmarshal = %+v", got)
	}
	if err := json.Unmarshal([]byte(`{"ttl":"soon"}`), &got); err == nil || !strings.Contains(err.Error(), `"soon" is not a duration`) {
		t.Errorf("Unmarshal of a bad duration: %v", err)
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "2027-01-31", want: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
		{in: " 2027-01-31 ", want: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
		{in: "2027-01-31T12:00:00Z", want: time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC)},
		{in: "2027-01-31T12:00:00+02:00", want: time.Date(2027, 1, 31, 10, 0, 0, 0, time.UTC)},
		{in: "2027-01-31T12:00:00.25-01:30", want: time.Date(2027, 1, 31, 13, 30, 0, 250_000_000, time.UTC)},
		{in: "2027-02-30", wantErr: true},
		{in: "31.01.2027", wantErr: true},
		{in: "2027-01-31 12:00", wantErr: true},
		{in: "2027-01-31T12:00:00", wantErr: true}, // RFC 3339 needs a zone
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "use YYYY-MM-DD or RFC 3339") {
				t.Errorf("ParseTime(%q) = %v, %v; want an error naming the formats", tt.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v in UTC", tt.in, got, err, tt.want)
		}
	}
}
