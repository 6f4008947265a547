package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Email to organisers: password resets, password-change notices and
// invitations sent to an address.

var _ turnout.PasswordResetService = (*Store)(nil)

// passwordResetRow is one reset link; only its token's hash is stored.
type passwordResetRow struct {
	ID        int64
	AccountID int64
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (passwordResetRow) TableName() string { return "password_resets" }

// organiserMailItem loads what an outbox row for an account or an invitation
// needs, or deletes the row and returns nil when there is nothing to send
// any more (an invitation used or withdrawn).
func (s *Store) organiserMailItem(ctx context.Context, row *outboxRow) (*turnout.MailItem, error) {
	db := s.db.WithContext(ctx)
	var p outboxPayload
	if row.Payload != "" {
		if err := json.Unmarshal([]byte(row.Payload), &p); err != nil {
			return nil, err
		}
	}
	item := &turnout.MailItem{ID: row.ID, Kind: row.Kind, Attempts: row.Attempts, Token: p.Token}
	switch {
	case row.AccountID != nil:
		var a turnout.Account
		if err := db.Take(&a, *row.AccountID).Error; err != nil {
			return nil, err
		}
		item.Account = &a
	case row.InvitationID != nil:
		var inv turnout.Invitation
		err := db.Where("id = ? AND used_at IS NULL AND expires_at > ?", *row.InvitationID, s.Now()).Take(&inv).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && inv.Email == nil) {
			return nil, db.Delete(&outboxRow{}, row.ID).Error
		} else if err != nil {
			return nil, err
		}
		var g turnout.Group
		if err := db.Take(&g, inv.GroupID).Error; err != nil {
			return nil, notFound(err, "Group")
		}
		inv.Group = &g
		if inv.CreatedBy != nil {
			if err := db.Model(&turnout.Account{}).Where("id = ?", *inv.CreatedBy).Pluck("display_name", &item.Inviter).Error; err != nil {
				return nil, err
			}
		}
		item.Invitation = &inv
	default:
		return nil, db.Delete(&outboxRow{}, row.ID).Error
	}
	return item, nil
}

// RequestPasswordReset stores a reset token's hash for the account with
// this email and queues the link, in one transaction. An unknown address,
// or email being off, does nothing and answers the same.
func (s *Store) RequestPasswordReset(ctx context.Context, email string) error {
	norm, ok := turnout.NormalizeEmail(email)
	if !ok || !s.mailOn {
		return nil
	}
	return s.transaction(ctx, func(tx *gorm.DB) error {
		var a turnout.Account
		err := tx.Where("lower(email) = ?", norm).Take(&a).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		t := s.Now()
		// Expired and used links of every account go here.
		if err := tx.Where("expires_at <= ? OR used_at IS NOT NULL", t).Delete(&passwordResetRow{}).Error; err != nil {
			return err
		}
		token := turnout.NewToken()
		row := passwordResetRow{AccountID: a.ID, TokenHash: turnout.HashToken(token), ExpiresAt: t.Add(turnout.PasswordResetTTL), CreatedAt: t}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return s.queueAccountMail(tx, turnout.MailPasswordReset, a.ID, outboxPayload{Token: token}, t)
	})
}

var errBadReset = turnout.Errorf(turnout.ENOTFOUND, "This password reset link does not work: it may have been used already, or it is more than an hour old. Ask for a new one.")

// passwordReset finds the usable reset row of token in db.
func (s *Store) passwordReset(db *gorm.DB, token string) (*passwordResetRow, error) {
	if !validToken(token) {
		return nil, errBadReset
	}
	var row passwordResetRow
	err := db.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", turnout.HashToken(token), s.Now()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errBadReset
	}
	return &row, err
}

// FindPasswordReset returns the account of a usable reset token.
func (s *Store) FindPasswordReset(ctx context.Context, token string) (*turnout.Account, error) {
	db := s.db.WithContext(ctx)
	row, err := s.passwordReset(db, token)
	if err != nil {
		return nil, err
	}
	var a turnout.Account
	if err := db.Take(&a, row.AccountID).Error; err != nil {
		return nil, notFound(err, "Account")
	}
	return &a, nil
}

// ResetPassword checks the token before any password work, then in one
// transaction uses it (a conditional update, so two uses at once cannot
// both succeed), stores the new password, ends every session and every
// other reset link of the account, and queues the notice of the change.
func (s *Store) ResetPassword(ctx context.Context, token, password string) (*turnout.Account, error) {
	db := s.db.WithContext(ctx)
	if _, err := s.passwordReset(db, token); err != nil {
		return nil, err
	}
	if err := turnout.ValidatePassword(password); err != nil {
		return nil, err
	}
	hash, err := turnout.HashPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	var a turnout.Account
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		row, err := s.passwordReset(tx, token)
		if err != nil {
			return err
		}
		t := s.Now()
		res := tx.Model(&passwordResetRow{}).Where("id = ? AND used_at IS NULL", row.ID).Update("used_at", t)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errBadReset
		}
		if err := tx.Take(&a, row.AccountID).Error; err != nil {
			return notFound(err, "Account")
		}
		if err := tx.Model(&a).Updates(map[string]any{"password_hash": hash, "updated_at": t}).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM sessions WHERE account_id = ?", a.ID).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ? AND used_at IS NULL", a.ID).Delete(&passwordResetRow{}).Error; err != nil {
			return err
		}
		return s.queueAccountMail(tx, turnout.MailPasswordChanged, a.ID, outboxPayload{}, t)
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// EmailInvitation stores an invitation for the address and queues its link
// to it, in one transaction. The link is returned too: it works copied by
// hand as well.
func (s *Store) EmailInvitation(ctx context.Context, groupID, createdBy int64, role, email string) (string, *turnout.Invitation, error) {
	norm, ok := turnout.NormalizeEmail(strings.TrimSpace(email))
	fe := turnout.FieldErrors{}
	if !turnout.ValidRole(role) {
		fe.Add("role", "Choose owner or organiser.")
	}
	if !ok {
		fe.Add("email", "Enter an email address like name@example.org, or leave it empty to copy the link yourself.")
	}
	if err := fe.Err(); err != nil {
		return "", nil, err
	}
	var token string
	var inv *turnout.Invitation
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var err error
		if token, inv, err = s.createInvitation(tx, groupID, createdBy, role, &norm); err != nil {
			return err
		}
		if !s.mailOn {
			return nil
		}
		b, err := json.Marshal(outboxPayload{Token: token})
		if err != nil {
			return err
		}
		return tx.Create(&outboxRow{Kind: turnout.MailInvitation, InvitationID: &inv.ID, Payload: string(b), DueAt: inv.CreatedAt, CreatedAt: inv.CreatedAt}).Error
	})
	if err != nil {
		return "", nil, err
	}
	return token, inv, nil
}
