package turnout

import (
	"context"
	"time"
)

// PasswordResetTTL is how long a password reset link works.
const PasswordResetTTL = time.Hour

// PasswordResetService resets forgotten organiser passwords by email. Its
// answers never tell whether an address has an account.
type PasswordResetService interface {
	// RequestPasswordReset queues a single-use reset link, valid for
	// PasswordResetTTL, to the account with this email, if there is one and
	// email is on. It returns nil either way.
	RequestPasswordReset(ctx context.Context, email string) error
	// FindPasswordReset returns the account of a usable (unused, unexpired)
	// reset token, or ENOTFOUND.
	FindPasswordReset(ctx context.Context, token string) (*Account, error)
	// ResetPassword uses the token once: it stores the new password, ends
	// every session of the account, and queues a notice of the change. A bad
	// password is EINVALID on "password"; a used, expired or unknown token
	// ENOTFOUND.
	ResetPassword(ctx context.Context, token, password string) (*Account, error)
}
