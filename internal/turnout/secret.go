package turnout

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken returns a URL-safe random token of 256 bits. Tokens are shown to
// their owner once and stored only as HashToken(token).
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("turnout: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the hex SHA-256 of a token, the form in which manage links,
// API tokens, session ids and invitations are stored. Tokens carry 256 random
// bits, so a fast hash is enough; lookups by hash are constant-time in effect
// because the attacker does not control the stored value.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
