// Command setup prepares a database for bench/token.sh: a system
// Administrator and a ReadOnly service user "bench" in the default tenant,
// each with an access key. It prints, one per line: the Administrator's
// key id and secret, then bench's key id and secret.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/server/servertest"
)

func main() {
	db := flag.String("db", "", "database file to create")
	flag.Parse()
	if err := run(*db); err != nil {
		fmt.Fprintln(os.Stderr, "setup:", err)
		os.Exit(1)
	}
}

func run(db string) error {
	svc, err := servertest.Bootstrap(db, nil)
	if err != nil {
		return err
	}
	defer svc.Close()
	adminID, adminSecret, err := servertest.NewIdentity(svc, domain.SystemTenant, "admin", authz.AdministratorPolicy)
	if err != nil {
		return err
	}
	benchID, benchSecret, err := servertest.NewIdentity(svc, domain.DefaultTenant, "bench", authz.ReadOnlyPolicy)
	if err != nil {
		return err
	}
	fmt.Printf("%s\n%s\n%s\n%s\n", adminID, adminSecret, benchID, benchSecret)
	return nil
}
