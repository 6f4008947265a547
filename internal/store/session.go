package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.OrganiserService = (*Store)(nil)

// SignUp creates the account, its first group (slug from the name, made
// unique) and the owner membership in one transaction.
func (s *Store) SignUp(ctx context.Context, in turnout.SignupInput) (*turnout.Account, *turnout.Group, error) {
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	hash := turnout.HashPassword(in.Password)
	var acct turnout.Account
	var g turnout.Group
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t := s.Now()
		if err := s.createAccount(tx, &acct, in, hash, t); err != nil {
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

// createAccount inserts a new account, refusing an email already in use.
func (s *Store) createAccount(tx *gorm.DB, acct *turnout.Account, in turnout.SignupInput, hash string, t time.Time) error {
	var n int64
	if err := tx.Model(&turnout.Account{}).Where("lower(email) = ?", in.Email).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return &turnout.Error{Code: turnout.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"email": "An account with this email already exists. Log in instead."}}
	}
	*acct = turnout.Account{Email: in.Email, DisplayName: in.Name, PasswordHash: hash, CreatedAt: t, UpdatedAt: t}
	err := tx.Create(acct).Error
	if err != nil && isUniqueViolation(err) {
		return &turnout.Error{Code: turnout.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"email": "An account with this email already exists. Log in instead."}}
	}
	return err
}

var (
	dummyHashOnce sync.Once
	dummyHash     string
)

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
		dummyHashOnce.Do(func() { dummyHash = turnout.HashPassword("not a real password") })
		turnout.CheckPassword(dummyHash, password)
		return nil, fail
	} else if err != nil {
		return nil, err
	}
	if !turnout.CheckPassword(a.PasswordHash, password) {
		return nil, fail
	}
	return &a, nil
}

// CreateSession stores a new session for the account and clears its expired ones.
func (s *Store) CreateSession(ctx context.Context, accountID int64) (string, *turnout.Session, error) {
	id, csrf := turnout.NewToken(), turnout.NewToken()
	t := s.Now()
	sess := &turnout.Session{CSRFToken: csrf, ExpiresAt: t.Add(turnout.SessionTTL)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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

// ChangePassword checks the current password, stores the new one and ends
// every session of the account (a changed password signs out other devices).
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
	if !turnout.CheckPassword(a.PasswordHash, current) {
		fe.Add("current_password", "That is not your current password.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	hash := turnout.HashPassword(next)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&a).Updates(map[string]any{"password_hash": hash, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return tx.Exec("DELETE FROM sessions WHERE account_id = ?", accountID).Error
	})
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.db.WithContext(ctx).Exec("DELETE FROM sessions WHERE id_hash = ?", turnout.HashToken(id)).Error
}

// LoginFailures counts the failures recorded under key in the current fixed window.
func (s *Store) LoginFailures(ctx context.Context, key string, window time.Duration) (int, error) {
	var n []int
	err := s.db.WithContext(ctx).Raw("SELECT count FROM rate_limits WHERE key = ? AND window_start = ?",
		"login:"+key, s.Now().Truncate(window)).Scan(&n).Error
	if err != nil || len(n) == 0 {
		return 0, err
	}
	return n[0], nil
}

// RecordLoginFailure adds one to each key's counter in the current window,
// in the rate_limits table that every instance shares.
func (s *Store) RecordLoginFailure(ctx context.Context, window time.Duration, keys ...string) error {
	t := s.Now()
	start := t.Truncate(window)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, k := range keys {
			if err := tx.Exec(`INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
				ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1`, "login:"+k, start).Error; err != nil {
				return err
			}
			if err := tx.Exec("DELETE FROM rate_limits WHERE key = ? AND window_start < ?", "login:"+k, start).Error; err != nil {
				return err
			}
		}
		// Old login counters of other keys (addresses that stopped trying).
		return tx.Exec("DELETE FROM rate_limits WHERE key LIKE 'login:%' AND window_start < ?", start.Add(-24*time.Hour)).Error
	})
}
