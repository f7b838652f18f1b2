// Package server is keyward's HTTP server: the OAuth 2.0 token endpoint
// (client_credentials, RFC 6749) that exchanges an access key for an RFC 9068
// JWT, the JWK Set and authorization server metadata (RFC 8414), health
// probes, and the REST API under /v1/tenants/{tenant}/... that mirrors every
// method of backend.Backend.
//
// Every API request is authenticated by its bearer token, re-checked against
// the current state of its access key and service user (active, unexpired,
// enabled, source address inside the effective CIDR allow list, token not
// revoked), authorized by the policy engine (internal/authz) for the route's
// catalog action on the catalog's resource, and then served by the same
// local service the CLI uses, acting as "serviceuser:<tenant>/<id>". Errors
// are the domain errors of that service, mapped once to HTTP statuses
// (errors.go).
//
// The server owns its database while it runs: the state it checks per
// request (keys, users, policies) is kept in memory and read again whenever
// the service has committed a write (service.Generation), so a revoked key
// stops working on the next request without a database read per request.
// Last-used times and denied-request audit events are recorded in batches
// off the request path and flushed on Close.
package server
