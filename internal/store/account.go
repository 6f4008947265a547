package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Accounts: sign-up, invitations accepted by new accounts, passwords,
// sessions, API tokens and organisers added from the command line.

var (
	_ turnout.AccountService   = (*Store)(nil)
	_ turnout.OrganiserService = (*Store)(nil)
)

// newAccountPassword does the one password computation that a new account
// costs, whether or not its email is taken, so that neither the answer nor
// its timing tells which emails have accounts. For a free email it returns
// the hash to store; for a taken one, the existing account and whether the
// password is that account's.
func (s *Store) newAccountPassword(ctx context.Context, in turnout.AccountInput) (hash string, existing *turnout.Account, match bool, err error) {
	var a turnout.Account
	err = s.db.WithContext(ctx).Where("lower(email) = ?", in.Email).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		hash, err = turnout.HashPassword(ctx, in.Password)
		return hash, nil, false, err
	} else if err != nil {
		return "", nil, false, err
	}
	match, err = turnout.CheckPassword(ctx, a.PasswordHash, in.Password)
	return "", &a, match, err
}

// SignUp creates the account, its first group (slug from the name, made
// unique) and the owner membership in one transaction. An email that
// already has an account gets turnout.ErrEmailTaken and nothing changes.
func (s *Store) SignUp(ctx context.Context, in turnout.SignupInput) (*turnout.Account, *turnout.Group, error) {
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	hash, existing, _, err := s.newAccountPassword(ctx, in.Account())
	if err != nil {
		return nil, nil, err
	}
	if existing != nil {
		return nil, nil, turnout.ErrEmailTaken
	}
	var acct turnout.Account
	var g turnout.Group
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		t := s.Now()
		if err := s.createAccount(tx, &acct, in.Account(), hash, t); err != nil {
			return err
		}
		if err := refuseLookAlikeGroup(tx, in.GroupName); err != nil {
			return err
		}
		slug, err := uniqueSlug(ctx, tx, "groups", turnout.Slugify(in.GroupName, 60), "group")
		if err != nil {
			return err
		}
		g = turnout.Group{Slug: slug, Name: in.GroupName, Timezone: in.Timezone, CreatedAt: t, UpdatedAt: t}
		if err := tx.Create(&g).Error; err != nil {
			return err
		}
		return tx.Create(&turnout.Membership{AccountID: acct.ID, GroupID: g.ID, Role: turnout.RoleOwner, CreatedAt: t}).Error
	})
	if err != nil {
		return nil, nil, err
	}
	return &acct, &g, nil
}

// refuseLookAlikeGroup refuses a new group name that can be mistaken for
// the name or slug of a group already here (turnout.LookAlike: case,
// accents, other scripts' homoglyphs, 0/o and 1/l swaps), so that nobody
// signs up as an impersonation of an existing group. Sign-ups are rare, so
// it reads every group's name and slug.
func refuseLookAlikeGroup(tx *gorm.DB, name string) error {
	var groups []struct{ Slug, Name string }
	if err := tx.Raw("SELECT slug, name FROM groups").Scan(&groups).Error; err != nil {
		return err
	}
	for _, g := range groups {
		if turnout.LookAlike(g.Name, name) || turnout.LookAlike(g.Slug, name) {
			fe := turnout.FieldErrors{}
			fe.Add("group_name", fmt.Sprintf("This name can be mistaken for the group %q already on this site; choose one that cannot.", g.Name))
			return fe.Err()
		}
	}
	return nil
}

// createAccount inserts a new account; an email taken in the meantime (two
// sign-ups at once) is turnout.ErrEmailTaken.
func (s *Store) createAccount(tx *gorm.DB, acct *turnout.Account, in turnout.AccountInput, hash string, t time.Time) error {
	*acct = turnout.Account{Email: in.Email, DisplayName: in.Name, PasswordHash: hash, CreatedAt: t, UpdatedAt: t}
	err := tx.Create(acct).Error
	if err != nil && isUniqueViolation(err) {
		return turnout.ErrEmailTaken
	}
	return err
}

// AcceptInvitation marks the invitation used and adds the account to the
// group (keeping a higher role it already has). With accountID 0 it creates
// the account from in first; an email that already has an account joins
// only when in's password is that account's, and the answer is then
// turnout.ErrEmailTaken either way. The invitation is looked up before any
// password work, and the conditional update in one transaction makes it
// single-use even under concurrent acceptance.
func (s *Store) AcceptInvitation(ctx context.Context, token string, accountID int64, in *turnout.AccountInput) (*turnout.Group, error) {
	var hash string
	var existing *turnout.Account
	var match bool
	if accountID == 0 {
		if in == nil {
			return nil, turnout.Errorf(turnout.EUNAUTHORIZED, "Log in or create an account to accept the invitation.")
		}
		if err := in.Validate(); err != nil {
			return nil, err
		}
		if _, err := s.FindInvitation(ctx, token); err != nil {
			return nil, err
		}
		var err error
		if hash, existing, match, err = s.newAccountPassword(ctx, *in); err != nil {
			return nil, err
		}
	}
	var g *turnout.Group
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		inv, err := s.findInvitation(tx, token)
		if err != nil {
			return err
		}
		g = inv.Group
		t := s.Now()
		res := tx.Exec("UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL", t, inv.ID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errBadInvitation
		}
		var acct turnout.Account
		switch {
		case existing != nil && !match:
			return nil // the invitation is used up; nobody joins
		case existing != nil:
			acct = *existing
		case accountID == 0:
			if err := s.createAccount(tx, &acct, *in, hash, t); err != nil {
				return err
			}
		default:
			if err := tx.Take(&acct, accountID).Error; err != nil {
				return notFound(err, "Account")
			}
		}
		return s.joinGroup(tx, acct.ID, inv, t)
	})
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return g, turnout.ErrEmailTaken
	}
	return g, nil
}

// dummyHash is an argon2id hash, with today's parameters, of a random
// password nobody knows: unknown emails are checked against it.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$N6+jgUfgWRb69t2YH1MhUw$2F+Iw/g1X47LrTy8W4SrLMu1a8iHEg+BYIsHfkKRJwI"

// Authenticate checks an email and password. Unknown emails cost the same
// password check as known ones, so timing does not reveal which exist.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*turnout.Account, error) {
	fail := turnout.Errorf(turnout.EUNAUTHORIZED, "Wrong email or password.")
	email, ok := turnout.NormalizeEmail(email)
	var a turnout.Account
	err := gorm.ErrRecordNotFound
	if ok {
		err = s.db.WithContext(ctx).Where("lower(email) = ?", email).Take(&a).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) || a.PasswordHash == "" {
		if _, err := turnout.CheckPassword(ctx, dummyHash, password); err != nil {
			return nil, err
		}
		return nil, fail
	} else if err != nil {
		return nil, err
	}
	if ok, err := turnout.CheckPassword(ctx, a.PasswordHash, password); err != nil {
		return nil, err
	} else if !ok {
		return nil, fail
	}
	return &a, nil
}

// ChangePassword checks the current password, stores the new one, ends
// every session of the account (a changed password signs out other devices)
// and queues a notice of the change to the account's email.
// A wrong current password is an EINVALID error on "current_password".
func (s *Store) ChangePassword(ctx context.Context, accountID int64, current, next string) error {
	fe := turnout.FieldErrors{}
	if err := turnout.ValidatePassword(next); err != nil {
		fe.Add("password", turnout.ErrorFields(err)["password"])
	}
	var a turnout.Account
	if err := s.db.WithContext(ctx).Take(&a, accountID).Error; err != nil {
		return notFound(err, "Account")
	}
	if ok, err := turnout.CheckPassword(ctx, a.PasswordHash, current); err != nil {
		return err
	} else if !ok {
		fe.Add("current_password", "That is not your current password.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	hash, err := turnout.HashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.transaction(ctx, func(tx *gorm.DB) error {
		t := s.Now()
		if err := tx.Model(&a).Updates(map[string]any{"password_hash": hash, "updated_at": t}).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM sessions WHERE account_id = ?", accountID).Error; err != nil {
			return err
		}
		return s.queueAccountMail(tx, turnout.MailPasswordChanged, accountID, outboxPayload{}, t)
	})
}

// CreateSession stores a new session for the account and clears its expired ones.
func (s *Store) CreateSession(ctx context.Context, accountID int64) (string, *turnout.Session, error) {
	id, csrf := turnout.NewToken(), turnout.NewToken()
	t := s.Now()
	sess := &turnout.Session{CSRFToken: csrf, ExpiresAt: t.Add(turnout.SessionTTL)}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		// Expired sessions of every account go here, through sessions_expires_idx.
		if err := tx.Exec("DELETE FROM sessions WHERE expires_at <= ?", t).Error; err != nil {
			return err
		}
		var a turnout.Account
		if err := tx.Take(&a, accountID).Error; err != nil {
			return notFound(err, "Account")
		}
		sess.Account = &a
		return tx.Exec("INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			turnout.HashToken(id), accountID, csrf, t, sess.ExpiresAt).Error
	})
	if err != nil {
		return "", nil, err
	}
	return id, sess, nil
}

type sessionRow struct {
	AccountID int64
	CSRFToken string
	ExpiresAt time.Time
}

// FindSession returns the live session with that id and its account.
func (s *Store) FindSession(ctx context.Context, id string) (*turnout.Session, error) {
	if id == "" || len(id) > 100 {
		return nil, turnout.Errorf(turnout.ENOTFOUND, "Session not found.")
	}
	var row sessionRow
	err := s.db.WithContext(ctx).Raw("SELECT account_id, csrf_token, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?",
		turnout.HashToken(id), s.Now()).Scan(&row).Error
	if err != nil {
		return nil, err
	}
	if row.AccountID == 0 {
		return nil, turnout.Errorf(turnout.ENOTFOUND, "Session not found.")
	}
	var a turnout.Account
	if err := s.db.WithContext(ctx).Take(&a, row.AccountID).Error; err != nil {
		return nil, notFound(err, "Session")
	}
	return &turnout.Session{Account: &a, CSRFToken: row.CSRFToken, ExpiresAt: row.ExpiresAt}, nil
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.db.WithContext(ctx).Exec("DELETE FROM sessions WHERE id_hash = ?", turnout.HashToken(id)).Error
}

// AddOrganiser creates or reuses the account and group of in, makes the account
// a member (owner of a group it creates, organiser otherwise, an existing role
// kept) and returns a new API token, all in one transaction.
func (s *Store) AddOrganiser(ctx context.Context, in turnout.OrganiserInput) (string, error) {
	fe := turnout.FieldErrors{}
	email, ok := turnout.NormalizeEmail(in.Email)
	if !ok {
		fe.Add("email", "Enter a valid email address.")
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		fe.Add("name", "Enter a display name.")
	}
	if !turnout.ValidSlug(in.GroupSlug) {
		fe.Add("group", "Use lower-case letters, digits and hyphens.")
	}
	if in.Password != "" {
		if err := turnout.ValidatePassword(in.Password); err != nil {
			fe.Add("password", turnout.ErrorFields(err)["password"])
		}
	}
	tz := in.Timezone
	if tz == "" {
		tz = "UTC"
	}
	if _, err := turnout.LoadZone(tz); err != nil {
		fe.Add("timezone", "Unknown time zone.")
	}
	if err := fe.Err(); err != nil {
		return "", err
	}
	token := turnout.NewToken()
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		t := s.Now()
		if in.Admin {
			var n int64
			if err := tx.Model(&turnout.Account{}).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return turnout.Errorf(turnout.ECONFLICT, "This instance already has accounts: make an administrator with turnout admin add.")
			}
		}
		acct, err := s.ensureAccount(ctx, tx, email, name, in.Password, t)
		if err != nil {
			return err
		}
		if in.Admin {
			if err := tx.Model(acct).Update("is_admin", true).Error; err != nil {
				return err
			}
		}
		groupName := strings.TrimSpace(in.GroupName)
		if groupName == "" {
			groupName = in.GroupSlug
		}
		g, created, err := s.ensureGroup(tx, in.GroupSlug, groupName, tz, t)
		if err != nil {
			return err
		}
		role := turnout.RoleOrganiser
		if created {
			role = turnout.RoleOwner
		}
		if err := tx.Exec(`INSERT INTO memberships (account_id, group_id, role, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (account_id, group_id) DO NOTHING`, acct.ID, g.ID, role, t).Error; err != nil {
			return err
		}
		return tx.Create(&turnout.APIToken{AccountID: acct.ID, Name: "command line", TokenHash: turnout.HashToken(token), CreatedAt: t}).Error
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

func (s *Store) ensureAccount(ctx context.Context, tx *gorm.DB, email, name, password string, t time.Time) (*turnout.Account, error) {
	var hash string
	if password != "" {
		var err error
		if hash, err = turnout.HashPassword(ctx, password); err != nil {
			return nil, err
		}
	}
	var a turnout.Account
	err := tx.Where("lower(email) = ?", email).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		a = turnout.Account{Email: email, DisplayName: name, PasswordHash: hash, CreatedAt: t, UpdatedAt: t}
		return &a, tx.Create(&a).Error
	}
	if err != nil {
		return nil, err
	}
	if hash != "" {
		a.PasswordHash = hash
		err = tx.Model(&a).Updates(map[string]any{"password_hash": hash, "updated_at": t}).Error
	}
	return &a, err
}

func (s *Store) ensureGroup(tx *gorm.DB, slug, name, tz string, t time.Time) (*turnout.Group, bool, error) {
	var g turnout.Group
	err := tx.Where("slug = ?", slug).Take(&g).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		g = turnout.Group{Slug: slug, Name: name, Timezone: tz, CreatedAt: t, UpdatedAt: t}
		return &g, true, tx.Create(&g).Error
	}
	return &g, false, err
}

// FindAccountByToken returns the account an API token belongs to and records its use.
func (s *Store) FindAccountByToken(ctx context.Context, token string) (*turnout.Account, error) {
	if token == "" {
		return nil, turnout.Errorf(turnout.EUNAUTHORIZED, "A valid API token is required.")
	}
	var tok turnout.APIToken
	err := s.db.WithContext(ctx).Where("token_hash = ?", turnout.HashToken(token)).Take(&tok).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, turnout.Errorf(turnout.EUNAUTHORIZED, "A valid API token is required.")
	} else if err != nil {
		return nil, err
	}
	var a turnout.Account
	if err := s.db.WithContext(ctx).Take(&a, tok.AccountID).Error; err != nil {
		return nil, notFound(err, "Account")
	}
	t := s.Now()
	if tok.LastUsedAt == nil || t.Sub(*tok.LastUsedAt) > time.Minute {
		if err := s.db.WithContext(ctx).Model(&tok).Update("last_used_at", t).Error; err != nil {
			return nil, err
		}
	}
	return &a, nil
}

// FindMembership returns the account's membership of the group.
func (s *Store) FindMembership(ctx context.Context, accountID, groupID int64) (*turnout.Membership, error) {
	var m turnout.Membership
	err := s.db.WithContext(ctx).Where("account_id = ? AND group_id = ?", accountID, groupID).Take(&m).Error
	if err != nil {
		return nil, notFound(err, "Membership")
	}
	return &m, nil
}

// CreateAPIToken makes a named token for the account and returns its secret.
func (s *Store) CreateAPIToken(ctx context.Context, accountID int64, name string) (string, error) {
	name, err := turnout.ValidateTokenName(name)
	if err != nil {
		return "", err
	}
	token := turnout.NewToken()
	err = s.db.WithContext(ctx).Create(&turnout.APIToken{AccountID: accountID, Name: name, TokenHash: turnout.HashToken(token), CreatedAt: s.Now()}).Error
	if err != nil {
		return "", err
	}
	return token, nil
}

// FindAPITokens lists the account's tokens, newest first.
func (s *Store) FindAPITokens(ctx context.Context, accountID int64) ([]*turnout.APIToken, error) {
	var out []*turnout.APIToken
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("created_at DESC, id DESC").Find(&out).Error
	return out, err
}

// RevokeAPIToken deletes one of the account's tokens; another account's is not found.
func (s *Store) RevokeAPIToken(ctx context.Context, accountID, tokenID int64) error {
	res := s.db.WithContext(ctx).Exec("DELETE FROM api_tokens WHERE id = ? AND account_id = ?", tokenID, accountID)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return turnout.Errorf(turnout.ENOTFOUND, "Token not found.")
	}
	return nil
}
