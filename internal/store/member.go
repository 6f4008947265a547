package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

// FindAccountGroups lists the account's groups by name with its role in each.
func (s *Store) FindAccountGroups(ctx context.Context, accountID int64) ([]turnout.MemberGroup, error) {
	var ms []turnout.Membership
	if err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Find(&ms).Error; err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, nil
	}
	role := map[int64]string{}
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		role[m.GroupID] = m.Role
		ids = append(ids, m.GroupID)
	}
	var gs []*turnout.Group
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Order("name, id").Find(&gs).Error; err != nil {
		return nil, err
	}
	out := make([]turnout.MemberGroup, 0, len(gs))
	for _, g := range gs {
		out = append(out, turnout.MemberGroup{Group: g, Role: role[g.ID]})
	}
	return out, nil
}

// FindMembers lists the group's members, owners first, then by name.
func (s *Store) FindMembers(ctx context.Context, groupID int64) ([]turnout.Member, error) {
	var out []turnout.Member
	err := s.db.WithContext(ctx).Raw(`SELECT m.account_id, a.email, a.display_name, m.role, m.created_at
		FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.group_id = ?
		ORDER BY CASE WHEN m.role = 'owner' THEN 0 ELSE 1 END, lower(a.display_name), a.id`, groupID).Scan(&out).Error
	return out, err
}

// lockedMembership reads a membership inside tx and counts the group's
// owners. On Postgres the group's membership rows are locked, so two owners
// demoting each other at once cannot leave the group without one; SQLite
// transactions are already serialised (_txlock=immediate).
func (s *Store) lockedMembership(tx *gorm.DB, groupID, accountID int64) (*turnout.Membership, int64, error) {
	q := "SELECT account_id, group_id, role, created_at FROM memberships WHERE group_id = ?"
	if s.dialect == Postgres {
		q += " FOR UPDATE"
	}
	var ms []turnout.Membership
	if err := tx.Raw(q, groupID).Scan(&ms).Error; err != nil {
		return nil, 0, err
	}
	var found *turnout.Membership
	var owners int64
	for i := range ms {
		if ms[i].Role == turnout.RoleOwner {
			owners++
		}
		if ms[i].AccountID == accountID {
			found = &ms[i]
		}
	}
	if found == nil {
		return nil, 0, turnout.Errorf(turnout.ENOTFOUND, "That person is not a member of this group.")
	}
	return found, owners, nil
}

var errLastOwner = turnout.Errorf(turnout.ECONFLICT, "A group needs at least one owner. Make someone else an owner first.")

// SetMemberRole changes a member's role; the last owner cannot be demoted.
func (s *Store) SetMemberRole(ctx context.Context, groupID, accountID int64, role string) error {
	if !turnout.ValidRole(role) {
		return &turnout.Error{Code: turnout.EINVALID, Message: "Choose owner or organiser.", Fields: map[string]string{"role": "Choose owner or organiser."}}
	}
	return s.transaction(ctx, func(tx *gorm.DB) error {
		m, owners, err := s.lockedMembership(tx, groupID, accountID)
		if err != nil {
			return err
		}
		if m.Role == turnout.RoleOwner && role != turnout.RoleOwner && owners <= 1 {
			return errLastOwner
		}
		return tx.Exec("UPDATE memberships SET role = ? WHERE group_id = ? AND account_id = ?", role, groupID, accountID).Error
	})
}

// RemoveMember removes a member; the last owner cannot be removed.
func (s *Store) RemoveMember(ctx context.Context, groupID, accountID int64) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		m, owners, err := s.lockedMembership(tx, groupID, accountID)
		if err != nil {
			return err
		}
		if m.Role == turnout.RoleOwner && owners <= 1 {
			return errLastOwner
		}
		return tx.Exec("DELETE FROM memberships WHERE group_id = ? AND account_id = ?", groupID, accountID).Error
	})
}

// CreateInvitation stores a single-use invitation that expires after InvitationTTL.
func (s *Store) CreateInvitation(ctx context.Context, groupID, createdBy int64, role string) (string, *turnout.Invitation, error) {
	if !turnout.ValidRole(role) {
		return "", nil, &turnout.Error{Code: turnout.EINVALID, Message: "Choose owner or organiser.", Fields: map[string]string{"role": "Choose owner or organiser."}}
	}
	return s.createInvitation(s.db.WithContext(ctx), groupID, createdBy, role, nil)
}

// createInvitation inserts an invitation in tx, for email if not nil.
func (s *Store) createInvitation(tx *gorm.DB, groupID, createdBy int64, role string, email *string) (string, *turnout.Invitation, error) {
	token := turnout.NewToken()
	t := s.Now()
	inv := &turnout.Invitation{GroupID: groupID, TokenHash: turnout.HashToken(token), Role: role, CreatedBy: &createdBy,
		ExpiresAt: t.Add(turnout.InvitationTTL), CreatedAt: t, Email: email}
	if err := tx.Create(inv).Error; err != nil {
		return "", nil, err
	}
	return token, inv, nil
}

var errBadInvitation = turnout.Errorf(turnout.ENOTFOUND, "This invitation link is not valid: it may have expired or been used already. Ask the group's owner for a new one.")

// FindInvitation returns an unused, unexpired invitation with its group.
func (s *Store) FindInvitation(ctx context.Context, token string) (*turnout.Invitation, error) {
	return s.findInvitation(s.db.WithContext(ctx), token)
}

func (s *Store) findInvitation(tx *gorm.DB, token string) (*turnout.Invitation, error) {
	if token == "" || len(token) > 100 {
		return nil, errBadInvitation
	}
	var inv turnout.Invitation
	err := tx.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", turnout.HashToken(token), s.Now()).Take(&inv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errBadInvitation
	} else if err != nil {
		return nil, err
	}
	var g turnout.Group
	if err := tx.Take(&g, inv.GroupID).Error; err != nil {
		return nil, notFound(err, "Group")
	}
	inv.Group = &g
	return &inv, nil
}

func (s *Store) joinGroup(tx *gorm.DB, accountID int64, inv *turnout.Invitation, t time.Time) error {
	if err := tx.Exec(`INSERT INTO memberships (account_id, group_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, group_id) DO NOTHING`, accountID, inv.GroupID, inv.Role, t).Error; err != nil {
		return err
	}
	if inv.Role == turnout.RoleOwner {
		return tx.Exec("UPDATE memberships SET role = 'owner' WHERE account_id = ? AND group_id = ?", accountID, inv.GroupID).Error
	}
	return nil
}

// FindInvitations lists the group's pending invitations, newest first.
func (s *Store) FindInvitations(ctx context.Context, groupID int64) ([]*turnout.Invitation, error) {
	var out []*turnout.Invitation
	err := s.db.WithContext(ctx).Where("group_id = ? AND used_at IS NULL AND expires_at > ?", groupID, s.Now()).
		Order("created_at DESC, id DESC").Limit(100).Find(&out).Error
	return out, err
}

// RevokeInvitation deletes an unused invitation of the group, so that its
// link stops working. Another group's invitation is not found.
func (s *Store) RevokeInvitation(ctx context.Context, groupID, invitationID int64) error {
	res := s.db.WithContext(ctx).Where("id = ? AND group_id = ? AND used_at IS NULL", invitationID, groupID).
		Delete(&turnout.Invitation{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return turnout.Errorf(turnout.ENOTFOUND, "Invitation not found, or already used.")
	}
	return nil
}

// DeleteGroup deletes a group with its memberships, invitations and drafts.
// A group that has published or cancelled events is kept: calendars and
// links depend on them, and events are never silently deleted.
func (s *Store) DeleteGroup(ctx context.Context, groupID int64) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		var listed int64
		if err := tx.Model(&turnout.Event{}).Where("group_id = ? AND status <> ?", groupID, turnout.StatusDraft).Count(&listed).Error; err != nil {
			return err
		}
		if listed > 0 {
			return turnout.Errorf(turnout.ECONFLICT, "This group has public or cancelled events, so it cannot be deleted: people and calendars still link to them.")
		}
		res := tx.Exec("DELETE FROM groups WHERE id = ?", groupID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return turnout.Errorf(turnout.ENOTFOUND, "Group not found.")
		}
		return bumpFeedVersions(tx, &turnout.Event{GroupID: groupID}, s.Now())
	})
}
