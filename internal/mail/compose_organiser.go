package mail

import (
	"fmt"
	"time"

	"golang.org/x/text/language"

	"github.com/turnout-org/turnout/internal/i18n"
	"github.com/turnout-org/turnout/internal/turnout"
)

// composeOrganiser writes a message to an organiser's account (a password
// reset link, a notice that the password changed) or to an invited address.
// These are not to supporters: they carry no unsubscribe link, since each is
// asked for by the person or by an owner of the group.
func composeOrganiser(item *turnout.MailItem, base, from string) (*Message, error) {
	// Organisers' messages are in English for now.
	w := &writer{loc: i18n.Shared().Localizer(language.English)}
	var subject, to string
	switch {
	case item.Kind == turnout.MailPasswordReset && item.Account != nil:
		to = item.Account.Email
		subject = "Reset your Turnout password"
		w.para("Someone, probably you, asked to reset the password of the Turnout account " + item.Account.Email + ".")
		w.link(fmt.Sprintf("Choose a new password (the link works once, for %d minutes):", int(turnout.PasswordResetTTL/time.Minute)),
			base+"/password/reset/"+item.Token)
		w.para("Choosing a new password logs out every device signed in to the account.")
		w.para("If you did not ask for this, you need do nothing: your password stays as it is.")
	case item.Kind == turnout.MailPasswordChanged && item.Account != nil:
		to = item.Account.Email
		subject = "Your Turnout password was changed"
		w.para("The password of the Turnout account " + item.Account.Email + " was changed, and every device signed in to it was logged out.")
		w.para("If you did this, you need do nothing.")
		w.link("If you did not, someone else knows your password or can read your email. Choose a new password at once:", base+"/password/reset")
	case item.Kind == turnout.MailInvitation && item.Invitation != nil && item.Invitation.Email != nil && item.Invitation.Group != nil:
		inv := item.Invitation
		to = *inv.Email
		who := "An owner"
		if item.Inviter != "" {
			who = item.Inviter
		}
		subject = "Join " + inv.Group.Name + " on Turnout"
		w.para(who + " invited you to organise events for " + inv.Group.Name + " on Turnout, as an " + inv.Role + ".")
		w.link("Accept the invitation (the link works once, until "+inv.ExpiresAt.UTC().Format("2 January 2006, 15:04")+" UTC):",
			base+"/invitations/"+item.Token)
		w.para("If you do not know " + inv.Group.Name + ", you can ignore this email: nothing happens unless you follow the link.")
	default:
		return nil, fmt.Errorf("%w: unknown message kind %q", ErrPermanent, item.Kind)
	}
	return &Message{From: from, To: to, Subject: subject, Text: w.text.String(), HTML: page(subject, w.html.String())}, nil
}
