package domain

// Longest free-text fields, in characters.
const (
	// MaxNameLen bounds display names of service users and tenant names.
	MaxNameLen = 128
	// MaxDescriptionLen bounds descriptions.
	MaxDescriptionLen = 1024
)
