package authz

import (
	"fmt"
	"testing"
)

// benchPrincipal is a service user in 3 groups holding 10 policies in all (1
// of its own, 3 per group) of 10 statements each, with wildcards in actions
// and resources, and some denies.
func benchPrincipal(b *testing.B) *Principal {
	b.Helper()
	var policies []*Policy
	for p := range 10 {
		var doc Document
		for s := range 10 {
			st := Statement{Effect: Allow}
			switch s % 5 {
			case 0:
				st.Actions = []string{"key:*", "serviceuser:read"}
				st.Resources = []string{fmt.Sprintf("serviceuser/team-%d-*", p), fmt.Sprintf("kw:acme:serviceuser/svc-%d/*", s)}
			case 1:
				st.Actions = []string{"*:read"}
				st.Resources = []string{fmt.Sprintf("policy/team-%d-*", p), "group/*"}
			case 2:
				st.Actions = []string{fmt.Sprintf("app%d:*", s), "orders:create", "orders:update"}
				st.Resources = []string{fmt.Sprintf("orders/%d/*", p), "invoices/*/lines/*"}
			case 3:
				st.Effect = Deny
				st.Actions = []string{"key:revoke", "key:purge", "*:delete"}
				st.Resources = []string{fmt.Sprintf("serviceuser/team-%d-admin*", p)}
			case 4:
				st.Actions = []string{"group:add", "group:remove", "policy:attach"}
				st.Resources = []string{fmt.Sprintf("group/team-%d-*", p), fmt.Sprintf("policy/*-%d", s)}
			}
			doc.Statements = append(doc.Statements, st)
		}
		pol, err := Compile("acme", fmt.Sprintf("team-%d", p), doc)
		if err != nil {
			b.Fatal(err)
		}
		policies = append(policies, pol)
	}
	// Own policy first, then each group's three.
	return NewPrincipal("acme", policies...)
}

// benchRequests mixes allows, explicit denies, default denies, catalog and
// downstream actions, and a cross-tenant request.
var benchRequests = [][2]string{
	{"key:rotate", "kw:acme:serviceuser/team-7-bot/key/kwk_abcdefghijklmnopqrst"},
	{"key:revoke", "kw:acme:serviceuser/team-3-admin/key/kwk_abcdefghijklmnopqrst"},
	{"serviceuser:read", "kw:acme:serviceuser/svc-5/key/x"},
	{"policy:read", "kw:acme:policy/team-9-readers"},
	{"orders:create", "kw:acme:orders/4/17"},
	{"orders:delete", "kw:acme:serviceuser/team-1-admin"},
	{"billing:charge", "kw:acme:invoices/9/lines/2"},
	{"tenant:update", "kw:acme:tenant"},
	{"key:rotate", "kw:other:serviceuser/team-7-bot/key/k"},
	{"group:add", "kw:acme:group/team-2-devs"},
}

func BenchmarkDecide(b *testing.B) {
	who := benchPrincipal(b)
	benchmarkDecide(b, who)
}

func BenchmarkDecideKeyOfType(b *testing.B) {
	scope, err := Compile("acme", "scope", Document{Statements: []Statement{
		{Effect: Allow, Actions: []string{"key:*", "*:read", "orders:*"}, Resources: []string{"*"}},
		{Effect: Deny, Actions: []string{"key:purge"}, Resources: []string{"serviceuser/*"}},
	}})
	if err != nil {
		b.Fatal(err)
	}
	benchmarkDecide(b, benchPrincipal(b).WithKeyType("T", scope))
}

func benchmarkDecide(b *testing.B, who *Principal) {
	allowed := 0
	b.ReportAllocs()
	cpuStart, haveCPU := processCPU()
	i := 0
	for b.Loop() {
		r := benchRequests[i%len(benchRequests)]
		if who.Decide(r[0], r[1]).Allowed {
			allowed++
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
	if cpuEnd, ok := processCPU(); haveCPU && ok {
		b.ReportMetric(float64(cpuEnd-cpuStart)/float64(b.N), "cpu-ns/op")
	}
	if allowed == 0 {
		b.Fatal("nothing allowed: the benchmark measures only denies")
	}
}

// BenchmarkNewPrincipal measures building the action index, which the
// server should do once per identity, not per request.
func BenchmarkNewPrincipal(b *testing.B) {
	who := benchPrincipal(b)
	policies := who.Policies()
	b.ReportAllocs()
	for b.Loop() {
		NewPrincipal("acme", policies...)
	}
}

func BenchmarkCompile(b *testing.B) {
	doc, err := ParseDocument([]byte(`
statements:
  - effect: allow
    actions: ["key:*", "*:read", orders:create]
    resources: ["serviceuser/team-*", "kw:*:policy/*"]
  - effect: deny
    actions: [key:purge]
    resources: ["serviceuser/admin*"]
`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile("acme", "p", doc); err != nil {
			b.Fatal(err)
		}
	}
}
