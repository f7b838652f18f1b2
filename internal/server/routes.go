package server

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/token"
)

// route is one endpoint. API routes (api set) are authenticated by bearer
// token and authorized for one of actions; public routes serve anyone.
type route struct {
	method  string
	pattern string
	// actions are the catalog actions the handler authorizes: one, or the
	// alternatives its request chooses between (enable or disable).
	actions []string
	public  func(*Server, http.ResponseWriter, *http.Request)
	api     func(*Server, http.ResponseWriter, *http.Request, *caller) error
}

// routeTable lists every endpoint the server serves: docs/openapi.yaml
// documents exactly these (TestOpenAPIMatchesRoutes), and the authorization
// tests iterate them.
var routeTable = []route{
	{method: "POST", pattern: token.TokenPath, public: (*Server).handleToken},
	{method: "POST", pattern: token.IntrospectPath, public: (*Server).handleIntrospect},
	{method: "POST", pattern: token.RevokePath, public: (*Server).handleRevoke},
	{method: "GET", pattern: token.JWKSPath, public: (*Server).handleJWKS},
	{method: "GET", pattern: token.MetadataPath, public: (*Server).handleMetadata},
	{method: "GET", pattern: "/healthz", public: (*Server).handleHealthz},
	{method: "GET", pattern: "/readyz", public: (*Server).handleReadyz},

	{method: "POST", pattern: "/v1/tenants", actions: []string{"tenant:create"}, api: (*Server).createTenant},
	{method: "GET", pattern: "/v1/tenants", actions: []string{"tenant:read"}, api: (*Server).listTenants},
	{method: "GET", pattern: "/v1/tenants/{tenant}", actions: []string{"tenant:read"}, api: (*Server).getTenant},
	{method: "PATCH", pattern: "/v1/tenants/{tenant}", actions: []string{"tenant:update"}, api: (*Server).updateTenant},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}", actions: []string{"tenant:delete"}, api: (*Server).deleteTenant},

	{method: "POST", pattern: "/v1/tenants/{tenant}/serviceusers", actions: []string{"serviceuser:create", "policy:attach", "group:add"}, api: (*Server).createServiceUser},
	{method: "GET", pattern: "/v1/tenants/{tenant}/serviceusers", actions: []string{"serviceuser:read"}, api: (*Server).listServiceUsers},
	{method: "GET", pattern: "/v1/tenants/{tenant}/serviceusers/{id}", actions: []string{"serviceuser:read"}, api: (*Server).getServiceUser},
	{method: "PATCH", pattern: "/v1/tenants/{tenant}/serviceusers/{id}", actions: []string{"serviceuser:update"}, api: (*Server).updateServiceUser},
	{method: "PUT", pattern: "/v1/tenants/{tenant}/serviceusers/{id}/status", actions: []string{"serviceuser:enable", "serviceuser:disable"}, api: (*Server).setServiceUserStatus},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}/serviceusers/{id}", actions: []string{"serviceuser:delete"}, api: (*Server).deleteServiceUser},

	{method: "POST", pattern: "/v1/tenants/{tenant}/serviceusers/{id}/keys", actions: []string{"key:generate"}, api: (*Server).generateKey},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}/serviceusers/{id}/keys", actions: []string{"key:revoke"}, api: (*Server).revokeUserKeys},
	{method: "GET", pattern: "/v1/tenants/{tenant}/keys", actions: []string{"key:read"}, api: (*Server).listKeys},
	{method: "GET", pattern: "/v1/tenants/{tenant}/keys/{key}", actions: []string{"key:read"}, api: (*Server).getKey},
	{method: "PATCH", pattern: "/v1/tenants/{tenant}/keys/{key}", actions: []string{"key:update"}, api: (*Server).updateKey},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}/keys/{key}", actions: []string{"key:revoke"}, api: (*Server).revokeKey},
	{method: "POST", pattern: "/v1/tenants/{tenant}/keys/{key}/rotate", actions: []string{"key:rotate"}, api: (*Server).rotateKey},
	{method: "PUT", pattern: "/v1/tenants/{tenant}/keys/{key}/status", actions: []string{"key:activate", "key:deactivate"}, api: (*Server).setKeyStatus},
	{method: "POST", pattern: "/v1/tenants/{tenant}/keys/{key}/restrict", actions: []string{"key:restrict"}, api: (*Server).restrictKey},
	{method: "POST", pattern: "/v1/tenants/{tenant}/keys/purge", actions: []string{"key:purge"}, api: (*Server).purgeKeys},
	{method: "POST", pattern: "/v1/keys/verify", actions: []string{"key:verify"}, api: (*Server).verifyKey},

	{method: "POST", pattern: "/v1/tenants/{tenant}/policies", actions: []string{"policy:create"}, api: (*Server).createPolicy},
	{method: "GET", pattern: "/v1/tenants/{tenant}/policies", actions: []string{"policy:read"}, api: (*Server).listPolicies},
	{method: "POST", pattern: "/v1/tenants/{tenant}/policies/check", actions: []string{"policy:check"}, api: (*Server).checkPolicy},
	{method: "GET", pattern: "/v1/tenants/{tenant}/policies/{name}", actions: []string{"policy:read"}, api: (*Server).getPolicy},
	{method: "PATCH", pattern: "/v1/tenants/{tenant}/policies/{name}", actions: []string{"policy:update"}, api: (*Server).updatePolicy},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}/policies/{name}", actions: []string{"policy:delete"}, api: (*Server).deletePolicy},
	{method: "POST", pattern: "/v1/tenants/{tenant}/policies/{name}/attachments", actions: []string{"policy:attach"}, api: (*Server).attachPolicy},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}/policies/{name}/attachments", actions: []string{"policy:detach"}, api: (*Server).detachPolicy},

	{method: "POST", pattern: "/v1/tenants/{tenant}/groups", actions: []string{"group:create", "policy:attach"}, api: (*Server).createGroup},
	{method: "GET", pattern: "/v1/tenants/{tenant}/groups", actions: []string{"group:read"}, api: (*Server).listGroups},
	{method: "GET", pattern: "/v1/tenants/{tenant}/groups/{name}", actions: []string{"group:read"}, api: (*Server).getGroup},
	{method: "PATCH", pattern: "/v1/tenants/{tenant}/groups/{name}", actions: []string{"group:update"}, api: (*Server).updateGroup},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}/groups/{name}", actions: []string{"group:delete"}, api: (*Server).deleteGroup},
	{method: "POST", pattern: "/v1/tenants/{tenant}/groups/{name}/members", actions: []string{"group:add"}, api: (*Server).addGroupMembers},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}/groups/{name}/members", actions: []string{"group:remove"}, api: (*Server).removeGroupMembers},

	{method: "POST", pattern: "/v1/tenants/{tenant}/keytypes", actions: []string{"keytype:create"}, api: (*Server).createKeyType},
	{method: "GET", pattern: "/v1/tenants/{tenant}/keytypes", actions: []string{"keytype:read"}, api: (*Server).listKeyTypes},
	{method: "GET", pattern: "/v1/tenants/{tenant}/keytypes/{name}", actions: []string{"keytype:read"}, api: (*Server).getKeyType},
	{method: "PATCH", pattern: "/v1/tenants/{tenant}/keytypes/{name}", actions: []string{"keytype:update"}, api: (*Server).updateKeyType},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}/keytypes/{name}", actions: []string{"keytype:delete"}, api: (*Server).deleteKeyType},

	{method: "GET", pattern: "/v1/tenants/{tenant}/serviceusers/{id}/owners", actions: []string{"owner:read"}, api: (*Server).listOwners},
	{method: "PUT", pattern: "/v1/tenants/{tenant}/serviceusers/{id}/owners/{owner}", actions: []string{"owner:add"}, api: (*Server).addOwner},
	{method: "DELETE", pattern: "/v1/tenants/{tenant}/serviceusers/{id}/owners/{owner}", actions: []string{"owner:remove"}, api: (*Server).removeOwner},

	{method: "GET", pattern: "/v1/tenants/{tenant}/audit", actions: []string{"audit:read"}, api: (*Server).listAudit},

	{method: "POST", pattern: "/v1/changes", actions: changesActions, api: (*Server).applyChanges},
	{method: "GET", pattern: "/v1/db/backup", actions: []string{"db:backup"}, api: (*Server).backupDatabase},
	{method: "POST", pattern: "/v1/db/signing-keys/rotate", actions: []string{"signingkey:rotate"}, api: (*Server).rotateSigningKey},
}

// changesActions are the actions POST /v1/changes authorizes: those of
// the single endpoints of every kind it applies (api_changes_<kind>.go).
var changesActions = []string{
	"tenant:create", "tenant:update", "tenant:delete",
	"policy:create", "policy:update", "policy:delete", "policy:attach", "policy:detach",
	"group:create", "group:update", "group:delete", "group:add", "group:remove",
	"keytype:create", "keytype:update", "keytype:delete",
	"serviceuser:create", "serviceuser:update", "serviceuser:delete", "serviceuser:enable", "serviceuser:disable",
	"owner:add", "owner:remove",
	"key:generate", "key:update", "key:restrict", "key:activate", "key:deactivate", "key:revoke",
}

// routes builds the request router from routeTable.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for i := range routeTable {
		rt := &routeTable[i]
		var h http.HandlerFunc
		if rt.api != nil {
			h = s.serveAPI(rt)
		} else {
			public := rt.public
			h = func(w http.ResponseWriter, r *http.Request) { public(s, w, r) }
		}
		mux.Handle(rt.method+" "+rt.pattern, h)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, domain.NotFound("no endpoint %s %s", r.Method, r.URL.Path).WithHint("see docs/openapi.yaml"))
	})
	return mux
}

// serveAPI authenticates a request, runs rt's handler as the caller, and
// writes the error it returns.
func (s *Server) serveAPI(rt *route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ip := s.clientIP(r)
		c, err := s.authenticate(r, ip)
		if err != nil {
			s.denied("", "", ip, rt.actions[0], "", err.Error())
			s.writeAuthError(w, r, err)
			return
		}
		lr := responseLog(w)
		lr.keyID, lr.actor = c.cred.keyID, c.cred.actor
		c.route = rt
		c.ctx = service.WithActor(r.Context(), c.cred.actor)
		err = rt.api(s, w, r, c)
		if err == nil && !c.authorized {
			// A handler must authorize before it acts; reaching here is a bug.
			s.log.LogAttrs(r.Context(), slog.LevelError, "BUG: API request served without authorization",
				slog.String("route", rt.method+" "+rt.pattern))
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	}
}

// allow authorizes the caller for its route's action on resource.
func (s *Server) allow(c *caller, resource string) error {
	return s.allowAction(c, c.route.actions[0], resource)
}

// allowAction authorizes the caller for action, one of its route's
// actions, on resource. Denials are audited (batched).
func (s *Server) allowAction(c *caller, action, resource string) error {
	if !slices.Contains(c.route.actions, action) {
		panic("server: route " + c.route.pattern + " authorizes " + action + ", not one of its actions")
	}
	if _, ok := authz.ResourceTenant(resource); !ok {
		resource = inOtherTenant(c.cred.tenant, resource)
	}
	if err := s.authorize(c.ctx, c, action, resource); err != nil {
		// A secret put in the path (as a key reference, say) stays out of
		// the audit log; the answer is redacted by writeError.
		s.denied(c.cred.tenant, c.cred.user, c.ip, action, redactSecrets(resource), redactSecrets(err.Error()))
		return err
	}
	c.authorized = true
	return nil
}

// inOtherTenant renames the tenant of a resource whose tenant id is not a
// valid id (the path named a tenant that cannot exist) to a valid id other
// than the caller's. Policies never match another tenant's resources, so
// only a caller who may act in every tenant (a system Administrator) is
// allowed — and then the service answers with the same error as the local
// CLI (not found, or the invalid id) and changes nothing.
func inOtherTenant(callerTenant, resource string) string {
	const placeholder = "no-such-tenant"
	rest := strings.TrimPrefix(resource, "kw:")
	if i := strings.IndexByte(rest, ':'); i >= 0 && i < len(rest)-1 {
		rest = rest[i:]
	} else {
		rest = ":tenant"
	}
	tenant := placeholder
	if callerTenant == placeholder {
		tenant = placeholder + "-2"
	}
	return "kw:" + tenant + rest
}

// Route describes one endpoint the server serves.
type Route struct {
	Method  string
	Pattern string
	// Actions are the catalog actions an API route authorizes (one, or the
	// alternatives its request picks between); empty for public endpoints
	// (token, JWKS, metadata, probes).
	Actions []string
}

// Routes lists every endpoint, in the order docs/openapi.yaml documents them.
func Routes() []Route {
	out := make([]Route, len(routeTable))
	for i, rt := range routeTable {
		out[i] = Route{Method: rt.method, Pattern: rt.pattern, Actions: append([]string(nil), rt.actions...)}
	}
	return out
}
