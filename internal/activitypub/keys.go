package activitypub

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Keys makes and opens actor keys. Private keys are stored sealed with
// AES-256-GCM under a key derived from TURNOUT_SECRET_KEY, so a copy of the
// database alone cannot sign as a group.
type Keys struct {
	aead cipher.AEAD
}

// NewKeys derives the sealing key from the instance's secret.
func NewKeys(secret string) (*Keys, error) {
	if len(secret) < 16 {
		return nil, errors.New("TURNOUT_SECRET_KEY: use at least 16 characters (for example: openssl rand -hex 32)")
	}
	k := sha256.Sum256([]byte("turnout actor keys\x00" + secret))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{aead: aead}, nil
}

// New makes an RSA 2048 key pair, the size Mastodon expects.
func (k *Keys) New() (*turnout.ActorKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	sealed := k.aead.Seal(nonce, nonce, x509.MarshalPKCS1PrivateKey(priv), nil)
	return &turnout.ActorKey{
		PublicPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		SealedPriv: base64.StdEncoding.EncodeToString(sealed),
	}, nil
}

// Open unseals a stored private key.
func (k *Keys) Open(ak *turnout.ActorKey) (*rsa.PrivateKey, error) {
	sealed, err := base64.StdEncoding.DecodeString(ak.SealedPriv)
	if err != nil || len(sealed) < k.aead.NonceSize() {
		return nil, errors.New("activitypub: sealed key is malformed")
	}
	n := k.aead.NonceSize()
	der, err := k.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return nil, errors.New("activitypub: cannot open the actor key: was TURNOUT_SECRET_KEY changed?")
	}
	return x509.ParsePKCS1PrivateKey(der)
}

// ParsePublicKey reads a PEM public key as actors publish it (PKIX, or
// PKCS#1 as some servers still send).
func ParsePublicKey(p string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, errors.New("activitypub: no PEM public key")
	}
	if pub, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if rk, ok := pub.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, errors.New("activitypub: the public key is not RSA")
	}
	return x509.ParsePKCS1PublicKey(block.Bytes)
}
