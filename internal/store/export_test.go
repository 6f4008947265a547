package store

import "context"

// FeedVersion reads a feed scope's version, for tests.
func (s *Store) FeedVersion(ctx context.Context, scope string) (int64, error) {
	var v []int64
	err := s.db.WithContext(ctx).Raw("SELECT version FROM feed_versions WHERE scope = ?", scope).Scan(&v).Error
	if err != nil || len(v) == 0 {
		return 0, err
	}
	return v[0], nil
}
