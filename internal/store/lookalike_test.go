package store_test

import (
	"context"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// A sign-up whose group name can be mistaken for a group already here
// (its name or its slug) is refused on the group name field and creates
// neither account nor group; an honest near name signs up. Both databases.
func TestSignUpRefusesLookAlikeGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		signUp := func(email, group string) error {
			_, _, err := st.SignUp(ctx, turnout.SignupInput{Email: email, Name: "X", Password: "a long enough password", GroupName: group, Timezone: "UTC"})
			return err
		}
		if err := signUp("real@example.org", "Riverside Tenants"); err != nil {
			t.Fatal(err)
		}
		before := storetest.Snapshot(t, st)
		for _, fake := range []string{"Rivеrside Tеnants", "RIVERSIDE-TENANTS", "Rivérside Tenants", "R1verside Tenants"} {
			err := signUp("fake@example.org", fake)
			if turnout.ErrorCode(err) != turnout.EINVALID || turnout.ErrorFields(err)["group_name"] == "" {
				t.Fatalf("sign-up as %q: %v", fake, err)
			}
		}
		if after := storetest.Snapshot(t, st); after != before {
			t.Fatalf("a refused sign-up changed the store:\nbefore %s\nafter  %s", before, after)
		}
		if err := signUp("near@example.org", "Riverside Renters"); err != nil {
			t.Fatalf("honest near name refused: %v", err)
		}
	})
}
