package turnout

import "context"

// InstanceCounts is what the administrators' overview counts.
type InstanceCounts struct{ Accounts, Groups, Events int64 }

// AdminService stores who administers the instance.
type AdminService interface {
	// SetAdmin makes the account with the email an administrator, or no
	// longer one; an email without an account is ENOTFOUND.
	SetAdmin(ctx context.Context, email string, admin bool) error
	// FindAdmins returns the administrators, by email.
	FindAdmins(ctx context.Context) ([]*Account, error)
	// CountAll counts the instance's accounts, groups and events.
	CountAll(ctx context.Context) (InstanceCounts, error)
}
