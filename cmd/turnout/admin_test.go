package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// `turnout organiser add --admin` makes the first account of an empty
// instance its administrator and is refused once the instance has accounts;
// `turnout admin add` and `admin remove` make an existing account one and
// undo it; an unknown email is a one-line error. On both databases.
func TestAdminCommands(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			getenv := env("TURNOUT_DATABASE_URL", target.URL)
			cli := func(args ...string) error { return run(ctx, args, getenv, nil, io.Discard, io.Discard) }
			if err := cli("migrate"); err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(ctx, target.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			admins := func() string {
				t.Helper()
				as, err := st.FindAdmins(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var emails []string
				for _, a := range as {
					emails = append(emails, a.Email)
				}
				return strings.Join(emails, ",")
			}
			if err := cli("organiser", "add", "--email", "first@example.org", "--name", "First", "--group", "first", "--admin"); err != nil {
				t.Fatal(err)
			}
			if got := admins(); got != "first@example.org" {
				t.Fatalf("admins after the first account = %q", got)
			}
			err = cli("organiser", "add", "--email", "late@example.org", "--name", "Late", "--group", "late", "--admin")
			if err == nil || !strings.Contains(err.Error(), "admin add") {
				t.Fatalf("--admin on an instance with accounts: %v", err)
			}
			if _, err := st.FindGroupBySlug(ctx, "late"); err == nil {
				t.Fatal("a refused --admin created its group")
			}
			if err := cli("organiser", "add", "--email", "second@example.org", "--name", "Second", "--group", "second"); err != nil {
				t.Fatal(err)
			}
			if got := admins(); got != "first@example.org" {
				t.Fatalf("organiser add without --admin made an admin: %q", got)
			}
			if err := cli("admin", "add", "--email", "Second@Example.org"); err != nil {
				t.Fatal(err)
			}
			if got := admins(); got != "first@example.org,second@example.org" {
				t.Fatalf("admins after admin add = %q", got)
			}
			if err := cli("admin", "remove", "--email", "first@example.org"); err != nil {
				t.Fatal(err)
			}
			if got := admins(); got != "second@example.org" {
				t.Fatalf("admins after admin remove = %q", got)
			}
			err = cli("admin", "add", "--email", "nobody@example.org")
			if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "nobody@example.org") {
				t.Fatalf("admin add of an unknown email: %v", err)
			}
			if err := cli("admin", "promote"); err == nil {
				t.Fatal("admin promote accepted")
			}
		})
	}
}
