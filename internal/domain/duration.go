package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Day is 24 hours; keyward durations accept a `d` unit.
const Day = 24 * time.Hour

// Duration is a length of time written as a Go duration plus a `d` unit
// ("90d", "12h", "15m", "60s"), or "never" where a setting allows it. It is
// kept in JSON and YAML as its canonical string (String).
type Duration struct {
	D     time.Duration
	Never bool
}

// NeverDuration is the value written "never".
var NeverDuration = Duration{Never: true}

// Days returns a Duration of n days.
func Days(n int) Duration { return Duration{D: time.Duration(n) * Day} }

// ParseDuration parses "90d", "1d12h", "12h", "15m", "60s" or "never". It
// refuses zero, negative and unit-less values.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "never" {
		return NeverDuration, nil
	}
	if s == "" {
		return Duration{}, fmt.Errorf("empty duration; use a number and a unit such as 90d, 12h, 15m or 60s")
	}
	var total time.Duration
	rest := s
	// Leading "<n>d" part, then an optional Go duration.
	if i := strings.IndexByte(rest, 'd'); i > 0 {
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 {
			return Duration{}, fmt.Errorf("%q is not a duration; use a number and a unit such as 90d, 12h, 15m or 60s", s)
		}
		if n > 100*365 {
			return Duration{}, fmt.Errorf("%q is too long", s)
		}
		total = time.Duration(n) * Day
		rest = rest[i+1:]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return Duration{}, fmt.Errorf("%q is not a duration; use a number and a unit such as 90d, 12h, 15m or 60s", s)
		}
		total += d
	}
	if total <= 0 {
		return Duration{}, fmt.Errorf("%q must be longer than zero", s)
	}
	return Duration{D: total}, nil
}

// String returns the canonical form: "never", whole days as "90d", else the
// largest whole unit ("36h", "90m", "45s"), else Go's form.
func (d Duration) String() string {
	switch {
	case d.Never:
		return "never"
	case d.D == 0:
		return "0s"
	case d.D%Day == 0:
		return strconv.FormatInt(int64(d.D/Day), 10) + "d"
	case d.D%time.Hour == 0:
		return strconv.FormatInt(int64(d.D/time.Hour), 10) + "h"
	case d.D%time.Minute == 0:
		return strconv.FormatInt(int64(d.D/time.Minute), 10) + "m"
	case d.D%time.Second == 0:
		return strconv.FormatInt(int64(d.D/time.Second), 10) + "s"
	}
	return d.D.String()
}

// MarshalText writes the canonical string (JSON and YAML use it).
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses the forms ParseDuration accepts.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseTime parses an RFC 3339 time or a date YYYY-MM-DD meaning 00:00 UTC
// that day. The result is in UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (use YYYY-MM-DD or RFC 3339 such as 2027-01-31T12:00:00Z)", s)
	}
	return t.UTC(), nil
}
