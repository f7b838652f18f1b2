package domain

// Longest free-text fields, in characters.
const (
	// MaxDisplayNameLen bounds display names of service users and tenant names.
	MaxDisplayNameLen = 128
	// MaxDescriptionLen bounds descriptions.
	MaxDescriptionLen = 1024
)
