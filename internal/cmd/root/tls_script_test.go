package root_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/keyward/keyward/internal/cmd/serve"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdServeTLS starts `keyward serve` over TLS on 127.0.0.1:0 for the rest
// of the script (in this process, on the script's clock), on a database of
// its own with a system Administrator. Its certificate is issued by a test
// CA:
//
//	servetls
//
// It sets $TLS_SERVER (the https base URL), $TLS_KEY_ID and $TLS_SECRET
// (the Administrator's key), $CA_FILE (the test CA, PEM), $OTHER_CA_FILE (a
// CA that did not issue the certificate) and $TLS_KEY_FILE (the server's
// private key: PEM, but no certificate). The files live under $WORK/tls.
func cmdServeTLS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: servetls")
	}
	dir := ts.MkAbs("tls")
	ts.Check(os.MkdirAll(dir, 0o700))
	ca, caKey := newTestCA(ts, "keyward test CA")
	other, _ := newTestCA(ts, "another CA")
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ts.Check(err)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &leafKey.PublicKey, caKey)
	ts.Check(err)
	leafKeyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	ts.Check(err)
	files := map[string]*pem.Block{
		"ca.pem":       {Type: "CERTIFICATE", Bytes: ca.Raw},
		"other-ca.pem": {Type: "CERTIFICATE", Bytes: other.Raw},
		"cert.pem":     {Type: "CERTIFICATE", Bytes: leafDER},
		"key.pem":      {Type: "PRIVATE KEY", Bytes: leafKeyDER},
	}
	for name, block := range files {
		ts.Check(os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600))
	}

	now := clockFile(ts.Getenv("KEYWARD_TEST_CLOCK_FILE"))
	keyID, secret, err := bootstrapAdmin(filepath.Join(dir, "keyward.db"), now)
	ts.Check(err)
	log, err := os.Create(filepath.Join(dir, "serve.log"))
	ts.Check(err)
	url, stop, err := runServe(&serve.Options{
		DBPath: filepath.Join(dir, "keyward.db"), Addr: "127.0.0.1:0",
		TLSCert: filepath.Join(dir, "cert.pem"), TLSKey: filepath.Join(dir, "key.pem"),
	}, log, now)
	if err != nil {
		log.Close()
		ts.Fatalf("%v", err)
	}
	ts.Defer(func() {
		if err := stop(); err != nil {
			ts.Fatalf("keyward serve: %v", err)
		}
		log.Close()
	})
	ts.Setenv("TLS_SERVER", url)
	ts.Setenv("TLS_KEY_ID", keyID)
	ts.Setenv("TLS_SECRET", secret)
	ts.Setenv("CA_FILE", filepath.Join(dir, "ca.pem"))
	ts.Setenv("OTHER_CA_FILE", filepath.Join(dir, "other-ca.pem"))
	ts.Setenv("TLS_KEY_FILE", filepath.Join(dir, "key.pem"))
}

// newTestCA returns a self-signed CA certificate valid for a day and its key.
func newTestCA(ts *testscript.TestScript, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ts.Check(err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	ts.Check(err)
	cert, err := x509.ParseCertificate(der)
	ts.Check(err)
	return cert, key
}
