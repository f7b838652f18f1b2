package domain

import "time"

// Outcomes of an audited action.
const (
	OutcomeSuccess = "success"
	OutcomeDenied  = "denied"
)

// AuditEvent records one action: every successful mutation (in the same
// transaction) and every denied authentication or authorization. It never
// holds a secret or a token.
type AuditEvent struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Tenant  string    `json:"tenant"`
	Action  string    `json:"action"`
	Target  string    `json:"target"`
	Outcome string    `json:"outcome"`
	// Detail is a short, secret-free note (e.g. the reason of a denial).
	Detail string `json:"detail"`
}
