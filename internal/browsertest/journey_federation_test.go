package browsertest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/turnout-org/turnout/internal/turnout"
)

// TestOwnerManagesFollowersOnPhoneAndDesktop: an owner opens the group's
// fediverse page from the settings, sees the handle and the followers (a
// long actor address among them), removes one and blocks a server; a bad
// server name is refused in words next to the field. The page fits a
// 390 px phone and a 1,280 px desktop and passes axe-core.
func TestOwnerManagesFollowersOnPhoneAndDesktop(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []tabOption
	}{{"Phone390", []tabOption{phone}}, {"Desktop1280", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			in := startInstance(t)
			g := in.seedGroup(t, "riverside")
			ctx := context.Background()
			for i, who := range []string{"https://mastodon.example/users/alice", "https://mobilizon.example/@" + longWord, "https://spam.example/users/bot"} {
				f := &turnout.Follower{GroupID: g.ID, ActorID: who, Inbox: who + "/inbox", Domain: []string{"mastodon.example", "mobilizon.example", "spam.example"}[i]}
				if err := in.store.AddFollower(ctx, f); err != nil {
					t.Fatal(err)
				}
			}
			tb := newTab(t, in.origin, append(tc.opts, a11y)...)
			tb.login("riverside@example.org", organiserPassword)
			tb.open("/groups/riverside/settings", 200)
			tb.click(`a[href="/groups/riverside/federation"]`, 200)
			tb.see("main", "@riverside@"+in.origin[len("http://"):], "Followers (3)", "https://mastodon.example/users/alice")
			tb.fitsScreen()
			tb.checkA11y("Federation page")

			tb.fill("#domain", "not a server")
			tb.click(`form[aria-label="Block a server"] button`, 422)
			tb.wantFieldError("#domain", "domain-error")
			tb.fill("#domain", "https://spam.example/")
			tb.click(`form[aria-label="Block a server"] button`, 200)
			tb.see("main", "spam.example is blocked", "Followers (2)")
			tb.click(`form[action$="/followers/remove"] button`, 200)
			tb.see("main", "Follower removed", "Followers (1)")
			tb.fitsScreen()
			if n, _ := in.store.CountFollowers(ctx, g.ID); n != 1 {
				t.Fatalf("%d followers left, want 1", n)
			}
			if blocked, _ := in.store.FindBlockedDomains(ctx, g.ID); fmt.Sprint(blocked) != "[spam.example]" {
				t.Fatalf("blocked %v", blocked)
			}
		})
	}
}
