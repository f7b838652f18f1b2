// Package backend defines the one service-level interface every keyward
// command calls. Two implementations exist and pass one conformance suite
// (internal/backend/backendtest): the local service over the bbolt file
// (internal/service) and the HTTP client of a keyward server
// (internal/client), whose handlers call that same local service.
//
// # Contract
//
// Every method takes the tenant it acts in explicitly. Errors are
// *domain.Error values whose Code says what happened:
//
//   - CodeInvalid: an input field was refused; Fields names each field (JSON
//     name) and why. Nothing was written.
//   - CodeNotFound: the tenant or object named does not exist. Nothing was written.
//   - CodeConflict: the object exists, a limit is reached, or the operation
//     needs Force. Nothing was written.
//   - CodeDenied / CodeUnauthenticated: the caller may not do this (remote only,
//     and key verification).
//   - CodeBusy: the local database is held by another process.
//
// Every successful mutation and its audit event commit atomically: a method
// that returns an error has changed nothing. Returned objects are complete:
// lists are non-nil, so JSON shows [] and never omits a field.
package backend

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// Backend is everything keyward can do, locally or against a server.
type Backend interface {
	Tenants
	ServiceUsers
	Owners
	Policies
	Groups
	KeyTypes
	AccessKeys
	Audit
	Changes
	Database
	// Close releases the database or connections; the Backend is unusable after.
	Close() error
}

// Tenants manages tenants and their settings.
type Tenants interface {
	// CreateTenant creates a tenant. If it exists, it returns CodeConflict,
	// or with IfNotExists the existing tenant unchanged and created=false.
	CreateTenant(ctx context.Context, in CreateTenantInput) (t domain.Tenant, created bool, err error)
	// ListTenants returns every tenant by id; none before the first write.
	ListTenants(ctx context.Context) ([]domain.Tenant, error)
	// GetTenant returns one tenant or CodeNotFound.
	GetTenant(ctx context.Context, id string) (domain.Tenant, error)
	// UpdateTenant changes the name and settings given; the system tenant
	// cannot be renamed (CodeInvalid).
	UpdateTenant(ctx context.Context, id string, in UpdateTenantInput) (domain.Tenant, error)
	// DeleteTenant deletes a tenant with everything in it. The system tenant
	// cannot be deleted (CodeInvalid); a tenant with service users needs
	// Force (else CodeConflict).
	DeleteTenant(ctx context.Context, id string, opts DeleteTenantOptions) error
}

// CreateTenantInput describes a new tenant. Name defaults to ID.
type CreateTenantInput struct {
	ID          string                     `json:"id"`
	Name        string                     `json:"name"`
	Settings    domain.TenantSettingsPatch `json:"settings"`
	IfNotExists bool                       `json:"ifNotExists,omitempty"`
}

// UpdateTenantInput changes a tenant; nil fields stay as they are.
type UpdateTenantInput struct {
	Name     *string                    `json:"name,omitempty"`
	Settings domain.TenantSettingsPatch `json:"settings"`
}

// DeleteTenantOptions modify DeleteTenant.
type DeleteTenantOptions struct {
	// Force deletes a tenant that still has service users.
	Force bool `json:"force,omitempty"`
}

// ServiceUsers manages service users.
type ServiceUsers interface {
	// CreateServiceUser creates a user in tenant with its first access key
	// (see CreateServiceUserInput). An existing id is CodeConflict, or with
	// IfNotExists the existing user unchanged and Created=false (no key is
	// generated then).
	CreateServiceUser(ctx context.Context, tenant string, in CreateServiceUserInput) (CreateServiceUserResult, error)
	// ListServiceUsers returns the users of tenant by id, filtered. Keys are
	// not filled in (AccessKeys is empty); use GetServiceUser for them.
	ListServiceUsers(ctx context.Context, tenant string, filter ListServiceUsersFilter) ([]domain.ServiceUser, error)
	// GetServiceUser returns a user with its masked keys and allowed key
	// types (the key types whose scope its own and its groups' policies
	// cover; see authz.CheckKeyType).
	GetServiceUser(ctx context.Context, tenant, id string) (domain.ServiceUser, error)
	// UpdateServiceUser changes the fields given.
	UpdateServiceUser(ctx context.Context, tenant, id string, in UpdateServiceUserInput) (domain.ServiceUser, error)
	// SetServiceUserStatus enables or disables a user. A disabled user's keys
	// and tokens stop working at once (and work again when it is enabled). Setting the current status again
	// changes and audits nothing.
	SetServiceUserStatus(ctx context.Context, tenant, id string, status domain.UserStatus) (domain.ServiceUser, error)
	// DeleteServiceUser deletes a user and its keys, and removes it from the
	// owners of other users.
	DeleteServiceUser(ctx context.Context, tenant, id string) error
}

// CreateServiceUserInput describes a new service user. DisplayName defaults
// to ID. The user's first access key is generated in the same transaction,
// from Key (nil: the tenant's defaults), unless NoKey is set; the user is
// not created when the key is refused.
type CreateServiceUserInput struct {
	ID            string   `json:"id"`
	DisplayName   string   `json:"displayName,omitempty"`
	Email         string   `json:"email,omitempty"`
	Description   string   `json:"description,omitempty"`
	CIDRAllowList []string `json:"cidrAllowList,omitempty"`
	// Policies are attached and Groups joined in the same transaction; an
	// unknown one is CodeNotFound and creates nothing. With the tenant
	// setting requireGroup, Groups must not be empty (CodeInvalid).
	Policies    []string `json:"policies,omitempty"`
	Groups      []string `json:"groups,omitempty"`
	IfNotExists bool     `json:"ifNotExists,omitempty"`
	// Key describes the first access key; nil takes the tenant's defaults.
	Key *GenerateKeyInput `json:"key,omitempty"`
	// NoKey creates the user without a key (AccessKey is null).
	NoKey bool `json:"noKey,omitempty"`
}

// CreateServiceUserResult is the created (or, with IfNotExists, existing)
// user, plus its first access key with the secret when one was generated
// (nil with NoKey, or when IfNotExists found the user).
type CreateServiceUserResult struct {
	domain.ServiceUser
	AccessKey *domain.NewAccessKey `json:"accessKey"`
	Created   bool                 `json:"-"`
}

// ListServiceUsersFilter narrows ListServiceUsers; zero values match all.
type ListServiceUsersFilter struct {
	// Status is "", "active" or "disabled".
	Status domain.UserStatus `json:"status,omitempty"`
	// Search matches, case-insensitively, a substring of the id, display
	// name, e-mail or description.
	Search string `json:"search,omitempty"`
}

// UpdateServiceUserInput changes a user; nil fields stay as they are. An
// empty Email removes the address (unless the tenant requires one); an
// empty CIDRAllowList allows any address again.
type UpdateServiceUserInput struct {
	DisplayName   *string   `json:"displayName,omitempty"`
	Email         *string   `json:"email,omitempty"`
	Description   *string   `json:"description,omitempty"`
	CIDRAllowList *[]string `json:"cidrAllowList,omitempty"`
}

// Audit reads the audit log.
type Audit interface {
	// ListAudit returns the events of tenant matching filter, newest first.
	ListAudit(ctx context.Context, tenant string, filter AuditFilter) ([]domain.AuditEvent, error)
}

// AuditFilter narrows ListAudit; zero values match all.
type AuditFilter struct {
	Since time.Time `json:"since"`
	// Action matches exactly, or a prefix when it ends in "*" ("key:*").
	Action string `json:"action,omitempty"`
	// Target matches exactly, or a prefix when it ends in "*".
	Target string `json:"target,omitempty"`
	// Limit caps the number of events; 0 means no limit.
	Limit int `json:"limit,omitempty"`
}
