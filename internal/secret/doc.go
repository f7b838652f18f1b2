// Package secret makes and recognises keyward's access key material: key ids
// (kwk_…), secrets (kws_…), the peppered hash under which a secret is stored,
// and the masked hint shown in place of a secret.
//
// A secret is shown to its holder once. keyward keeps only [Hasher.Hash] of
// it, so this package is the only place that ever sees a secret in full
// after generation; nothing here logs it or puts any part of it in an error.
package secret
