package store

import (
	"context"

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
