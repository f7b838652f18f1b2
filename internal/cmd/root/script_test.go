package root_test

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/cmd/root"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/rogpeppe/go-internal/testscript"
	bolt "go.etcd.io/bbolt"
)

var update = flag.Bool("update", false, "update testscript golden files")

// TestMain makes `keyward` (in-process, with the test clock),
// `keyward-holdlock` and `keyward-holdread` available to scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"keyward":          func() { os.Exit(runWithTestClock()) },
		"keyward-holdlock": holdLock,
		"keyward-holdread": holdRead,
	})
}

// runWithTestClock runs keyward with its clock read from
// $KEYWARD_TEST_CLOCK_FILE when set, and stderr taken for a terminal with
// $KEYWARD_TEST_STDERR_TTY=1: only the test binary has these knobs, never
// the shipped one.
func runWithTestClock() int {
	f := cmdutil.New(iostreams.System())
	// Scripts cannot give stderr a terminal; this stands in for one.
	if os.Getenv("KEYWARD_TEST_STDERR_TTY") == "1" {
		f.IOStreams.SetStderrTTY(true)
	}
	if path := os.Getenv("KEYWARD_TEST_CLOCK_FILE"); path != "" {
		f.Now = clockFile(path)
	}
	return root.Run(context.Background(), f, os.Args[1:])
}

// clockFile returns a clock that reads the time from path (RFC 3339), or
// the real time while the file is missing.
func clockFile(path string) func() time.Time {
	return func() time.Time {
		raw, err := os.ReadFile(path)
		if err != nil {
			return time.Now()
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(raw)))
		if err != nil {
			panic("bad test clock: " + err.Error())
		}
		return t
	}
}

// holdLock opens the database named by its argument read-write (taking the
// exclusive lock), writes "$1.locked", and holds it until interrupted.
func holdLock() {
	db, err := bolt.Open(os.Args[1], 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	defer db.Close()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	os.WriteFile(os.Args[1]+".locked", nil, 0o600)
	<-stop
}

// holdRead opens the database named by its argument read-only (a shared
// lock, like another keyward reading), starts a read transaction, writes
// "$1.reading", and holds both until interrupted.
func holdRead() {
	db, err := bolt.Open(os.Args[1], 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	defer db.Close()
	tx, err := db.Begin(false)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	defer tx.Rollback()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	os.WriteFile(os.Args[1]+".reading", nil, 0o600)
	<-stop
}

// raceOptions is GORACE for the commands a script runs: the caller's
// options, and no pause at exit. A binary built with -race sleeps a second
// when it exits (atexit_sleep_ms, for the reports of other threads); with
// some 900 commands run twice, that sleep was most of the time the
// scenarios took under -race. Races are still reported when they happen,
// and still make the command exit 66.
func raceOptions() string {
	return strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
}

func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script"))
}

// scriptParams is the environment every script runs in: a private HOME and
// XDG directories under $WORK, a test clock file, and helper commands.
func scriptParams(t *testing.T, dir string) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			work := env.WorkDir
			// The committed database of the previous schema (migrate.txtar).
			fixture, err := filepath.Abs("../../store/boltstore/testdata/schema0.db")
			if err != nil {
				return err
			}
			env.Setenv("SCHEMA0_DB", fixture)
			for k, v := range map[string]string{
				"HOME":                    filepath.Join(work, "home"),
				"XDG_DATA_HOME":           filepath.Join(work, "home", "data"),
				"XDG_CONFIG_HOME":         filepath.Join(work, "home", "config"),
				"XDG_STATE_HOME":          filepath.Join(work, "home", "state"),
				"DB":                      filepath.Join(work, "home", "data", "keyward", "keyward.db"),
				"KEYWARD_TEST_CLOCK_FILE": filepath.Join(work, "clock"),
				"USER":                    "tester",
				"ACTOR":                   `local:[^\t]+`,
				"UNIQ":                    uniqueName(),
			} {
				env.Setenv(k, v)
			}
			env.Setenv("GORACE", raceOptions())
			// Pass through what a real keyring session needs.
			for _, k := range []string{"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "KEYWARD_TEST_REQUIRE_KEYRING"} {
				if v := os.Getenv(k); v != "" {
					env.Setenv(k, v)
				}
			}
			return os.WriteFile(filepath.Join(work, "clock"), []byte("2026-11-23T12:00:00Z\n"), 0o600)
		},
		Condition: conditions(false),
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"clock":       cmdClock,
			"waitfile":    cmdWaitFile,
			"fmode":       cmdFileMode,
			"tokenserver": cmdTokenServer,
			"silentbus":   cmdSilentBus,
			"servetls":    cmdServeTLS,
		},
	}
}

// conditions answers the scripts' conditions: [remote] (whether the
// scenario runs against a live `keyward serve`, see TestScriptsRemote) and
// those of scriptCondition.
func conditions(remote bool) func(string) (bool, error) {
	return func(cond string) (bool, error) {
		if cond == "remote" {
			return remote, nil
		}
		return scriptCondition(cond)
	}
}

// clock set RFC3339 | clock advance DURATION: moves the test clock.
func cmdClock(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: clock set TIME | clock advance DURATION")
	}
	path := ts.Getenv("KEYWARD_TEST_CLOCK_FILE")
	var now time.Time
	switch args[0] {
	case "set":
		t, err := time.Parse(time.RFC3339, args[1])
		ts.Check(err)
		now = t
	case "advance":
		raw, err := os.ReadFile(path)
		ts.Check(err)
		cur, err := time.Parse(time.RFC3339, strings.TrimSpace(string(raw)))
		ts.Check(err)
		d, err := domain.ParseDuration(args[1])
		ts.Check(err)
		now = cur.Add(d.D)
	default:
		ts.Fatalf("unknown clock verb %q", args[0])
	}
	ts.Check(os.WriteFile(path, []byte(now.Format(time.RFC3339)+"\n"), 0o600))
}

// waitfile PATH: waits (up to 10 s) until a background command creates PATH.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	path := ts.MkAbs(args[0])
	for i := 0; i < 1000; i++ {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	ts.Fatalf("%s did not appear", args[0])
}

// fmode PATH MODE: asserts a file's permission bits (octal, e.g. 0600).
func cmdFileMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: fmode PATH MODE")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := fi.Mode().Perm(); (got == os.FileMode(want)) == neg {
		ts.Fatalf("%s has mode %#o, want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}
