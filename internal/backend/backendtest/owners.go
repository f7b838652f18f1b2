package backendtest

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func init() { register("Owners", withBackend(testOwners)) }

func testOwners(t *testing.T, b backend.Backend) {
	for _, id := range []string{"billing", "deployer", "ops"} {
		must(b.CreateServiceUser(ctx, "default", backend.CreateServiceUserInput{ID: id}))
	}
	must3(b.CreateTenant(ctx, backend.CreateTenantInput{ID: "other"}))
	must(b.CreateServiceUser(ctx, "other", backend.CreateServiceUserInput{ID: "stranger"}))

	u, changed, err := b.AddOwner(ctx, "default", "billing", "ops")
	if err != nil || !changed || strings.Join(u.Owners, ",") != "ops" {
		t.Fatalf("add: %+v, changed=%v, %v", u.Owners, changed, err)
	}
	must3(b.AddOwner(ctx, "default", "billing", "deployer"))
	n := auditCount(t, b, "default")
	u, changed, err = b.AddOwner(ctx, "default", "billing", "ops")
	if err != nil || changed || strings.Join(u.Owners, ",") != "deployer,ops" || auditCount(t, b, "default") != n {
		t.Fatalf("add twice: %+v, changed=%v, %v", u.Owners, changed, err)
	}
	_, _, err = b.AddOwner(ctx, "default", "billing", "billing")
	wantField(t, err, "owner")
	_, _, err = b.AddOwner(ctx, "default", "billing", "ghost")
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = b.AddOwner(ctx, "default", "billing", "stranger") // another tenant's user
	wantCode(t, err, domain.CodeNotFound)
	_, _, err = b.AddOwner(ctx, "default", "ghost", "ops")
	wantCode(t, err, domain.CodeNotFound)

	owners := must(b.ListOwners(ctx, "default", "billing"))
	if len(owners) != 2 || owners[0].ID != "deployer" || owners[1].ID != "ops" || owners[0].Policies == nil {
		t.Fatalf("list = %+v", owners)
	}
	if got := must(b.ListOwners(ctx, "default", "ops")); got == nil || len(got) != 0 {
		t.Fatalf("owners of ops = %#v", got)
	}
	_, err = b.ListOwners(ctx, "default", "ghost")
	wantCode(t, err, domain.CodeNotFound)

	u, changed, err = b.RemoveOwner(ctx, "default", "billing", "deployer")
	if err != nil || !changed || strings.Join(u.Owners, ",") != "ops" {
		t.Fatalf("remove: %+v, changed=%v, %v", u.Owners, changed, err)
	}
	_, changed, err = b.RemoveOwner(ctx, "default", "billing", "deployer")
	if err != nil || changed {
		t.Fatalf("remove twice: changed=%v, %v", changed, err)
	}
	_, _, err = b.RemoveOwner(ctx, "default", "billing", "ghost")
	wantCode(t, err, domain.CodeNotFound)

	// Deleting an owner removes it from every owner list.
	if err := b.DeleteServiceUser(ctx, "default", "ops"); err != nil {
		t.Fatal(err)
	}
	if u := must(b.GetServiceUser(ctx, "default", "billing")); len(u.Owners) != 0 {
		t.Fatalf("deleted owner still listed: %v", u.Owners)
	}
	var got []string
	for _, ev := range must(b.ListAudit(ctx, "default", backend.AuditFilter{Action: "owner:*"})) {
		got = append(got, ev.Action+" "+ev.Target+" "+ev.Detail)
	}
	want := "owner:remove kw:default:serviceuser/billing kw:default:serviceuser/deployer," +
		"owner:add kw:default:serviceuser/billing kw:default:serviceuser/deployer," +
		"owner:add kw:default:serviceuser/billing kw:default:serviceuser/ops"
	if strings.Join(got, ",") != want {
		t.Fatalf("audit = %v", got)
	}
}
