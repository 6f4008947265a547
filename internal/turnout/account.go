package turnout

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Account is an organiser's login. Supporters never need one.
type Account struct {
	ID           int64
	Email        string
	DisplayName  string
	PasswordHash string
	IsAdmin      bool // runs the instance: sees the /admin pages
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// APIToken lets scripts act for an account over the JSON API. Only the hash of
// the secret is stored.
type APIToken struct {
	ID         int64
	AccountID  int64
	Name       string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// TableName keeps the table name readable: "api_tokens".
func (APIToken) TableName() string { return "api_tokens" }

// OrganiserInput describes an organiser to create or reuse from the command line.
type OrganiserInput struct {
	Email     string
	Name      string
	GroupSlug string
	GroupName string
	Password  string // empty: keep the account's password as it is
	Timezone  string // for a new group; empty means UTC
	// Admin makes the account the instance's administrator; allowed only
	// for the first account of an empty instance.
	Admin bool
}

// AccountService stores accounts, memberships and API tokens.
type AccountService interface {
	// AddOrganiser creates or reuses the account and the group, makes the account
	// an organiser of it (owner of a new group) and returns a new API token.
	AddOrganiser(ctx context.Context, in OrganiserInput) (token string, err error)
	// FindAccountByToken returns the account an API token belongs to.
	FindAccountByToken(ctx context.Context, token string) (*Account, error)
	// FindMembership returns the account's membership of the group, or ENOTFOUND.
	FindMembership(ctx context.Context, accountID, groupID int64) (*Membership, error)
}

// NormalizeEmail trims and lower-cases an address and checks its form. It
// returns "" and false for anything that is not a plain addr-spec.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 254 {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return "", false
	}
	return s, true
}
