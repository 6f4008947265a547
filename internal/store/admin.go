package store

import (
	"context"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Administrators: the accounts that run the instance.

var _ turnout.AdminService = (*Store)(nil)

// SetAdmin makes the account with the email an administrator (admin true)
// or no longer one. An email without an account is ENOTFOUND.
func (s *Store) SetAdmin(ctx context.Context, email string, admin bool) error {
	norm, ok := turnout.NormalizeEmail(email)
	if !ok {
		return turnout.Errorf(turnout.EINVALID, "Enter a valid email address.")
	}
	res := s.db.WithContext(ctx).Model(&turnout.Account{}).Where("lower(email) = ?", norm).
		Updates(map[string]any{"is_admin": admin, "updated_at": s.Now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return turnout.Errorf(turnout.ENOTFOUND, "No account has the email %s.", norm)
	}
	return nil
}

// FindAdmins returns the instance's administrators, by email.
func (s *Store) FindAdmins(ctx context.Context) ([]*turnout.Account, error) {
	var out []*turnout.Account
	err := s.db.WithContext(ctx).Where("is_admin").Order("email").Find(&out).Error
	return out, err
}

// CountAll counts the instance's accounts, groups and events.
func (s *Store) CountAll(ctx context.Context) (turnout.InstanceCounts, error) {
	var c turnout.InstanceCounts
	db := s.db.WithContext(ctx)
	if err := db.Table("accounts").Count(&c.Accounts).Error; err != nil {
		return c, err
	}
	if err := db.Table("groups").Count(&c.Groups).Error; err != nil {
		return c, err
	}
	err := db.Table("events").Count(&c.Events).Error
	return c, err
}
