package server

import (
	"net/http"
	"strings"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// keyResource is the resource the catalog names for the key ref (a key id
// or USER/NAME) of tenant: kw:<t>:serviceuser/<user>/key/<keyid>. A key
// that cannot be found is named as precisely as the reference allows
// (USER/NAME: any key of that user; an id: that id under any user), so the
// caller is refused (403) or told it is missing (404) by its rights, as for
// a key that exists.
func (s *Server) keyResource(c *caller, tenant, ref string) string {
	if k, err := s.svc.GetKey(c.ctx, tenant, ref); err == nil {
		return authz.KeyResource(tenant, k.ServiceUser, k.ID)
	}
	if user, _, ok := strings.Cut(ref, "/"); ok {
		return authz.KeyResource(tenant, user, "*")
	}
	return authz.KeyResource(tenant, "*", ref)
}

// generateKey: POST /v1/tenants/{tenant}/serviceusers/{id}/keys. 201 with
// the key and its secret, shown once.
func (s *Server) generateKey(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, user := r.PathValue("tenant"), r.PathValue("id")
	var in backend.GenerateKeyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, authz.ServiceUserResource(tenant, user)); err != nil {
		return err
	}
	k, err := s.svc.GenerateKey(c.ctx, tenant, user, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}

// listKeys: GET /v1/tenants/{tenant}/keys?serviceUser=&status=&expiring=.
func (s *Server) listKeys(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	q := r.URL.Query()
	filter := backend.ListKeysFilter{ServiceUser: q.Get("serviceUser"), Status: domain.KeyStatus(q.Get("status")), Expiring: q.Get("expiring")}
	user := filter.ServiceUser
	if user == "" {
		user = "*"
	}
	if err := s.allow(c, authz.KeyResource(tenant, user, "*")); err != nil {
		return err
	}
	keys, err := s.svc.ListKeys(c.ctx, tenant, filter)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keys)
	return nil
}

// getKey: GET /v1/tenants/{tenant}/keys/{key}.
func (s *Server) getKey(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, ref := r.PathValue("tenant"), r.PathValue("key")
	if err := s.allow(c, s.keyResource(c, tenant, ref)); err != nil {
		return err
	}
	k, err := s.svc.GetKey(c.ctx, tenant, ref)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

// updateKey: PATCH /v1/tenants/{tenant}/keys/{key}.
func (s *Server) updateKey(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, ref := r.PathValue("tenant"), r.PathValue("key")
	var in backend.UpdateKeyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, s.keyResource(c, tenant, ref)); err != nil {
		return err
	}
	k, err := s.svc.UpdateKey(c.ctx, tenant, ref, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

// rotateKey: POST /v1/tenants/{tenant}/keys/{key}/rotate. 201 with the
// successor and its secret, shown once.
func (s *Server) rotateKey(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, ref := r.PathValue("tenant"), r.PathValue("key")
	var in backend.RotateKeyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, s.keyResource(c, tenant, ref)); err != nil {
		return err
	}
	k, err := s.svc.RotateKey(c.ctx, tenant, ref, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}

// revokeKey: DELETE /v1/tenants/{tenant}/keys/{key}. 200 with the key as
// it was.
func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, ref := r.PathValue("tenant"), r.PathValue("key")
	if err := s.allow(c, s.keyResource(c, tenant, ref)); err != nil {
		return err
	}
	k, err := s.svc.RevokeKey(c.ctx, tenant, ref)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

// revokeUserKeys: DELETE /v1/tenants/{tenant}/serviceusers/{id}/keys. 200
// with the keys revoked.
func (s *Server) revokeUserKeys(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, user := r.PathValue("tenant"), r.PathValue("id")
	if err := s.allow(c, authz.KeyResource(tenant, user, "*")); err != nil {
		return err
	}
	keys, err := s.svc.RevokeUserKeys(c.ctx, tenant, user)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keys)
	return nil
}

// KeyStatusInput is the body of PUT .../keys/{key}/status.
type KeyStatusInput struct {
	Status domain.KeyStatus `json:"status"`
}

// setKeyStatus: PUT /v1/tenants/{tenant}/keys/{key}/status
// {"status":"active"|"inactive"}, authorized as key:activate or
// key:deactivate.
func (s *Server) setKeyStatus(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, ref := r.PathValue("tenant"), r.PathValue("key")
	var in KeyStatusInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allowAction(c, keyStatusAction(in.Status), s.keyResource(c, tenant, ref)); err != nil {
		return err
	}
	k, err := s.svc.SetKeyStatus(c.ctx, tenant, ref, in.Status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

// restrictKey: POST /v1/tenants/{tenant}/keys/{key}/restrict.
func (s *Server) restrictKey(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant, ref := r.PathValue("tenant"), r.PathValue("key")
	var in backend.RestrictKeyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.allow(c, s.keyResource(c, tenant, ref)); err != nil {
		return err
	}
	k, err := s.svc.RestrictKey(c.ctx, tenant, ref, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

// verifyKey: POST /v1/keys/verify {"secret","ip"}. The secret names its
// key, so the route has no tenant: the caller must be allowed key:verify on
// the key the secret belongs to (403 otherwise). A string that is no
// keyward secret, or the secret of no key, is answered as locally
// (unauthenticated), which tells nothing about any key.
func (s *Server) verifyKey(w http.ResponseWriter, r *http.Request, c *caller) error {
	var in backend.VerifyKeyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := s.svc.VerifyKey(c.ctx, in)
	if err != nil {
		c.authorized = true // nothing was found to authorize against
		return err
	}
	if err := s.allow(c, authz.KeyResource(v.Tenant, v.ServiceUser, v.Key.ID)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// purgeKeys: POST /v1/tenants/{tenant}/keys/purge. 200 with the keys
// deleted (or, with dryRun, that would be).
func (s *Server) purgeKeys(w http.ResponseWriter, r *http.Request, c *caller) error {
	tenant := r.PathValue("tenant")
	var in backend.PurgeKeysInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	user := in.ServiceUser
	if user == "" {
		user = "*"
	}
	if err := s.allow(c, authz.ServiceUserResource(tenant, user)); err != nil {
		return err
	}
	keys, err := s.svc.PurgeKeys(c.ctx, tenant, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keys)
	return nil
}
