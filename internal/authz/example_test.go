package authz_test

import (
	"fmt"

	"github.com/keyward/keyward/internal/authz"
)

func Example() {
	doc, err := authz.ParseDocument([]byte(`
description: Rotate the team's keys, never admin's
statements:
  - effect: allow
    actions: ["key:*"]
    resources: ["serviceuser/team-*"]
  - effect: deny
    actions: [key:revoke]
    resources: ["serviceuser/team-admin/*"]
`))
	if err != nil {
		panic(err)
	}
	keys, err := authz.Compile("acme", "team-keys", doc)
	if err != nil {
		panic(err)
	}
	readOnly, _ := authz.ManagedPolicy("acme", authz.ReadOnlyPolicy)

	// The user's own policy plus the one of its group.
	bot := authz.NewPrincipal("acme", keys, readOnly)
	for _, req := range [][2]string{
		{"key:rotate", authz.KeyResource("acme", "team-ci", "kwk_1")},
		{"key:revoke", authz.KeyResource("acme", "team-admin", "kwk_2")},
		{"tenant:read", "tenant"},
		{"key:rotate", authz.KeyResource("other", "team-ci", "kwk_3")},
	} {
		d := bot.Decide(req[0], req[1])
		fmt.Printf("%s %s: %v, %s\n", req[0], d.Resource, d.Allowed, d)
	}
	// Output:
	// key:rotate kw:acme:serviceuser/team-ci/key/kwk_1: true, allowed by policy "team-keys" statements[0] (allow)
	// key:revoke kw:acme:serviceuser/team-admin/key/kwk_2: false, denied by policy "team-keys" statements[1] (deny)
	// tenant:read kw:acme:tenant: true, allowed by policy "ReadOnly" statements[0] (allow)
	// key:rotate kw:other:serviceuser/team-ci/key/kwk_3: false, no statement allows it (default deny)
}
