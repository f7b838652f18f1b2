package server

import "testing"

func TestRedactSecrets(t *testing.T) {
	const sec = "kws_YB1ukLR6tngizg0KcaPq469HciaWkeKDVmvXC9DIGhg2w0h9y"
	for in, want := range map[string]string{
		"":                                 "",
		"/v1/tenants/default/keys/kwk_abc": "/v1/tenants/default/keys/kwk_abc",
		"/v1/tenants/default/keys/" + sec:  "/v1/tenants/default/keys/kws_[redacted]",
		"keys/" + sec + "/rotate":          "keys/kws_[redacted]/rotate",
		`"` + sec + `" and ` + sec + ".":   `"kws_[redacted]" and kws_[redacted].`,
		// Not secrets: a name may start with the prefix.
		"kw:default:group/kws_admins":    "kw:default:group/kws_admins",
		"does not start with kws_":       "does not start with kws_",
		"name the key by its id (kws_…)": "name the key by its id (kws_…)",
		sec[:len(sec)-1] + "x":           sec[:len(sec)-1] + "x",
	} {
		if got := redactSecrets(in); got != want {
			t.Errorf("redactSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}
