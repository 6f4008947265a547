package turnout

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLen is the shortest password an account may have.
const MinPasswordLen = 10

// argon2id parameters (RFC 9106 second recommendation, lighter memory for small hosts).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
)

// ValidatePassword checks a new password's length.
func ValidatePassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen {
		return &Error{Code: EINVALID, Message: "Choose a longer password.", Fields: map[string]string{"password": fmt.Sprintf("Use at least %d characters.", MinPasswordLen)}}
	} else if n > 512 {
		return &Error{Code: EINVALID, Message: "Choose a shorter password.", Fields: map[string]string{"password": "Use at most 512 characters."}}
	}
	return nil
}

// Each argon2id computation takes argonMemory KiB and a core for tens of
// milliseconds, and anyone can ask for one (log in, sign up, accept an
// invitation). The process runs at most maxHashing at once; up to
// maxHashWaiters more wait for a slot for at most hashWait, and anything
// beyond is refused at once with ErrHashBusy, so a flood of password forms
// can neither exhaust memory nor queue up without bound.
const (
	maxHashing     = 4
	maxHashWaiters = 16
)

var (
	hashWait    = 3 * time.Second
	hashSlots   = make(chan struct{}, maxHashing)
	hashWaiters atomic.Int64
	hashCount   atomic.Int64
)

// ErrHashBusy is returned when too many passwords are being checked at once.
var ErrHashBusy = Errorf(EUNAVAILABLE, "Turnout is busy checking passwords. Please try again in a few seconds.")

// PasswordHashes returns how many argon2id computations the process has run,
// for /metrics and for tests that prove a request was refused before hashing.
func PasswordHashes() int64 { return hashCount.Load() }

// acquireHash waits for a hashing slot, giving up after hashWait, when ctx
// ends, or at once when too many are already waiting.
func acquireHash(ctx context.Context) (release func(), err error) {
	select {
	case hashSlots <- struct{}{}:
		return func() { <-hashSlots }, nil
	default:
	}
	if hashWaiters.Add(1) > maxHashWaiters {
		hashWaiters.Add(-1)
		return nil, ErrHashBusy
	}
	defer hashWaiters.Add(-1)
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case hashSlots <- struct{}{}:
		return func() { <-hashSlots }, nil
	case <-t.C:
		return nil, ErrHashBusy
	case <-ctx.Done():
		return nil, ErrHashBusy
	}
}

// argon2Key runs one bounded argon2id computation.
func argon2Key(ctx context.Context, pw string, salt []byte, t, m uint32, p uint8, n uint32) ([]byte, error) {
	release, err := acquireHash(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	hashCount.Add(1)
	return argon2.IDKey([]byte(pw), salt, t, m, p, n), nil
}

// HashPassword returns an argon2id hash in the PHC string format, or
// ErrHashBusy when too many passwords are being hashed at once.
func HashPassword(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic("turnout: crypto/rand failed: " + err.Error())
	}
	key, err := argon2Key(ctx, pw, salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches an argon2id hash made by
// HashPassword, comparing in constant time. An empty or malformed hash never
// matches (and costs no computation). The error is ErrHashBusy or nil.
func CheckPassword(ctx context.Context, hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 10 || p == 0 {
		return false, nil
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false, nil
	}
	got, err := argon2Key(ctx, pw, salt, t, m, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
