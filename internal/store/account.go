package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.AccountService = (*Store)(nil)

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
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t := s.Now()
		acct, err := s.ensureAccount(tx, email, name, in.Password, t)
		if err != nil {
			return err
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

func (s *Store) ensureAccount(tx *gorm.DB, email, name, password string, t time.Time) (*turnout.Account, error) {
	var a turnout.Account
	err := tx.Where("lower(email) = ?", email).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		a = turnout.Account{Email: email, DisplayName: name, CreatedAt: t, UpdatedAt: t}
		if password != "" {
			a.PasswordHash = turnout.HashPassword(password)
		}
		return &a, tx.Create(&a).Error
	}
	if err != nil {
		return nil, err
	}
	if password != "" {
		a.PasswordHash = turnout.HashPassword(password)
		err = tx.Model(&a).Updates(map[string]any{"password_hash": a.PasswordHash, "updated_at": t}).Error
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
