// Package micro holds Go micro-benchmarks of Turnout's hot paths, run with
//
//	go test -run '^$' -bench . -benchmem ./bench/micro/
//
// on the 1k-event data of bench/gen, in SQLite and, when
// TURNOUT_TEST_DATABASE_URL is set, in a fresh Postgres schema. The package
// has no code of its own.
package micro
