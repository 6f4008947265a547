package turnout

import (
	"context"
	"strings"
	"time"
)

// SessionTTL is how long a login lasts.
const SessionTTL = 14 * 24 * time.Hour

// InvitationTTL is how long an invitation link stays valid.
const InvitationTTL = 7 * 24 * time.Hour

// Session is a signed-in browser. The id itself lives only in the cookie; the
// database keeps its SHA-256.
type Session struct {
	Account   *Account
	CSRFToken string
	ExpiresAt time.Time
}

// AccountInput is a new account, as the sign-up and invitation forms ask for it.
type AccountInput struct {
	Email    string
	Name     string
	Password string
}

// Validate checks the input and normalises the email and name. Field names
// match the forms.
func (in *AccountInput) Validate() error {
	fe := FieldErrors{}
	in.validate(fe)
	return fe.Err()
}

func (in *AccountInput) validate(fe FieldErrors) {
	email, ok := NormalizeEmail(in.Email)
	if !ok {
		fe.Add("email", "Enter a valid email address.")
	}
	in.Email = email
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		fe.Add("name", "Enter a display name.")
	}
	validText(fe, "name", in.Name, MaxTitleLen, false)
	if err := ValidatePassword(in.Password); err != nil {
		fe.Add("password", ErrorFields(err)["password"])
	}
}

// SignupInput is what the sign-up form sends: a new account and its first group.
type SignupInput struct {
	Email     string
	Name      string
	Password  string
	GroupName string
	Timezone  string
}

// Account is the account part of the sign-up.
func (in SignupInput) Account() AccountInput {
	return AccountInput{Email: in.Email, Name: in.Name, Password: in.Password}
}

// Validate checks the input and normalises the email. Field names match the
// sign-up form.
func (in *SignupInput) Validate() error {
	fe := FieldErrors{}
	acct := in.Account()
	acct.validate(fe)
	in.Email, in.Name = acct.Email, acct.Name
	in.GroupName = strings.TrimSpace(in.GroupName)
	if in.GroupName == "" {
		fe.Add("group_name", "Give your group a name.")
	} else if Slugify(in.GroupName, 60) == "" {
		fe.Add("group_name", "Use at least one letter or digit in the name.")
	}
	validText(fe, "group_name", in.GroupName, MaxTitleLen, false)
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	if _, err := LoadZone(in.Timezone); err != nil {
		fe.Add("timezone", "Choose a time zone such as Europe/London.")
	}
	return fe.Err()
}

// ErrEmailTaken is what SignUp and AcceptInvitation return when the email
// already has an account. Callers must answer exactly as for a new account,
// so that nobody can learn which addresses have accounts.
var ErrEmailTaken = Errorf(ECONFLICT, "An account with this email already exists.")

// Member is a membership with the account's name, for the members page.
type Member struct {
	AccountID   int64
	Email       string
	DisplayName string
	Role        string
	CreatedAt   time.Time
}

// MemberGroup is a group an account belongs to, with its role there.
type MemberGroup struct {
	Group *Group
	Role  string
}

// Invitation lets its holder join a group with a role, once, before it expires.
type Invitation struct {
	ID        int64
	GroupID   int64
	TokenHash string
	Role      string
	CreatedBy *int64
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
	// Email is the address the invitation was emailed to, if it was.
	Email *string

	Group *Group `gorm:"-"`
}

// ValidRole reports whether r is a membership role.
func ValidRole(r string) bool { return r == RoleOwner || r == RoleOrganiser }

// OrganiserService is the organiser's side: sign-up, sessions, members, invitations and API tokens.
type OrganiserService interface {
	// SignUp creates an account, a group named in.GroupName and makes the
	// account its owner. An email that already has an account gets
	// ErrEmailTaken, after the same password work as a new one, and nothing changes.
	SignUp(ctx context.Context, in SignupInput) (*Account, *Group, error)
	// Authenticate returns the account whose email and password match, or
	// EUNAUTHORIZED with one generic message.
	Authenticate(ctx context.Context, email, password string) (*Account, error)
	// CreateSession stores a new session and returns its id (for the cookie).
	CreateSession(ctx context.Context, accountID int64) (id string, s *Session, err error)
	// FindSession returns the live session with that id, or ENOTFOUND.
	FindSession(ctx context.Context, id string) (*Session, error)
	// DeleteSession ends a session; an unknown id is not an error.
	DeleteSession(ctx context.Context, id string) error
	// FindAccountGroups lists the groups the account belongs to, by name.
	FindAccountGroups(ctx context.Context, accountID int64) ([]MemberGroup, error)
	// FindMembers lists a group's members, owners first.
	FindMembers(ctx context.Context, groupID int64) ([]Member, error)
	// SetMemberRole changes a member's role; the last owner cannot be demoted.
	SetMemberRole(ctx context.Context, groupID, accountID int64, role string) error
	// RemoveMember removes a member; the last owner cannot be removed.
	RemoveMember(ctx context.Context, groupID, accountID int64) error
	// CreateInvitation stores a single-use invitation and returns its token.
	CreateInvitation(ctx context.Context, groupID, createdBy int64, role string) (string, *Invitation, error)
	// EmailInvitation stores a single-use invitation like CreateInvitation
	// and queues its link by email to the address, in one transaction.
	EmailInvitation(ctx context.Context, groupID, createdBy int64, role, email string) (string, *Invitation, error)
	// FindInvitation returns a usable (unused, unexpired) invitation by token, with its group.
	FindInvitation(ctx context.Context, token string) (*Invitation, error)
	// AcceptInvitation uses the invitation for the signed-in account, or with
	// accountID 0 for a new account made from in, and returns the group. When
	// in's email already has an account, the invitation is used up and that
	// account joins only if in's password is its password; the result is
	// then ErrEmailTaken.
	AcceptInvitation(ctx context.Context, token string, accountID int64, in *AccountInput) (*Group, error)
	// FindInvitations lists a group's unused, unexpired invitations.
	FindInvitations(ctx context.Context, groupID int64) ([]*Invitation, error)
	// RevokeInvitation withdraws an unused invitation of the group.
	RevokeInvitation(ctx context.Context, groupID, invitationID int64) error
	// ChangePassword replaces the account's password after checking the
	// current one, and ends every session of the account.
	ChangePassword(ctx context.Context, accountID int64, current, next string) error
	// DeleteGroup deletes a group that has never had a public event.
	DeleteGroup(ctx context.Context, groupID int64) error
	// CreateAPIToken makes a named token for the account; the secret is returned once.
	CreateAPIToken(ctx context.Context, accountID int64, name string) (string, error)
	// FindAPITokens lists the account's tokens (hashes only).
	FindAPITokens(ctx context.Context, accountID int64) ([]*APIToken, error)
	// RevokeAPIToken deletes one of the account's tokens.
	RevokeAPIToken(ctx context.Context, accountID, tokenID int64) error
}

// OrganiserEventService is what organisers need beyond EventService.
type OrganiserEventService interface {
	// UpdateEvent applies in onto the event, bumping its sequence on a material change.
	UpdateEvent(ctx context.Context, id int64, in EventInput) (*Event, error)
	// DeleteEvent deletes a draft; published and cancelled events are kept.
	DeleteEvent(ctx context.Context, id int64) error
	// DuplicateEvent copies an event as a new draft shifted by offset.
	DuplicateEvent(ctx context.Context, id int64, offset time.Duration) (*Event, error)
	// FindGroupEvents lists all of a group's events, drafts included, newest start first.
	FindGroupEvents(ctx context.Context, groupID int64) ([]*Event, error)
	// FindArticle returns the article with the public id as the listed event
	// holding it shows it, and its group's listed events that link the same
	// URL. Articles of drafts are not found.
	FindArticle(ctx context.Context, publicID string) (*Article, []*Event, error)
}

// ValidateTokenName trims an API token's name (empty becomes "API token")
// and checks it is short, one line and plain text.
func ValidateTokenName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API token"
	}
	fe := FieldErrors{}
	validText(fe, "name", name, 100, false)
	return name, fe.Err()
}
