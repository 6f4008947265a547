package store

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// MigrateTo moves the schema up or down to version, for tests of a
// migration's handling of existing rows.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if version < cur {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	return err
}

// BumpThenFailForTest bumps scopes in a transaction that then rolls back.
func (s *Store) BumpThenFailForTest(ctx context.Context, scopes ...string) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		if err := bumpScopes(tx, s.Now(), scopes...); err != nil {
			return err
		}
		return errRolledBackForTest
	})
}

// BumpForTest bumps scopes in a transaction of their own.
func (s *Store) BumpForTest(ctx context.Context, scopes ...string) error {
	return s.transaction(ctx, func(tx *gorm.DB) error { return bumpScopes(tx, s.Now(), scopes...) })
}

// BumpOutsideTransactionForTest bumps scopes without s.transaction.
func (s *Store) BumpOutsideTransactionForTest(ctx context.Context, scopes ...string) error {
	return bumpScopes(s.db.WithContext(ctx), s.Now(), scopes...)
}

var errRolledBackForTest = errors.New("rolled back on purpose")

// AfterFirstFind runs fn once, right after the next query that loads rows
// into structs (Find, Take, Pluck) has read all of them, so that a test can
// write between two reads of one store method.
func (s *Store) AfterFirstFind(fn func()) {
	fired := false
	after := func(*gorm.DB) {
		if !fired {
			fired = true
			fn()
		}
	}
	if err := s.db.Callback().Query().After("gorm:query").Register("test:after_first_read", after); err != nil {
		panic(err)
	}
}

// Unavailable is the store's test of whether a driver error is an outage.
var Unavailable = unavailable
