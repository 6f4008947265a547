package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// messagesPerEventHour bounds organisers' messages per event per hour, so
// that a stolen token or a slip cannot flood the people coming.
const messagesPerEventHour = 5

// apiSendMessage is POST /api/v1/events/{slug}/messages with
// {"subject", "body", "to": [...]} -> 202 {"recipients": N}.
func (s *Server) apiSendMessage(c *fiber.Ctx) error {
	acct, e, err := s.apiEvent(c)
	if err != nil {
		return err
	}
	var in turnout.MessageInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	n, err := s.sendOrganiserMessage(c, e, acct, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(apiMessageQueued{Recipients: n})
}

// sendMessage is POST /events/{slug}/messages, the attendee page's form.
func (s *Server) sendMessage(c *fiber.Ctx) error {
	acct, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	in := turnout.MessageInput{Subject: c.FormValue("subject"), Body: c.FormValue("body")}
	for _, st := range []string{turnout.RSVPGoing, turnout.RSVPWaitlisted, turnout.RSVPMaybe} {
		if c.FormValue("to_"+st) != "" {
			in.To = append(in.To, st)
		}
	}
	n, err := s.sendOrganiserMessage(c, e, acct, in)
	if err != nil {
		code := turnout.ErrorCode(err)
		if code != turnout.EINVALID && code != turnout.ERATELIMITED {
			return err
		}
		return s.redirectFlash(c, "/events/"+e.Slug+"/attendees", "Not sent: "+messageProblem(err))
	}
	people := strconv.Itoa(n) + " people"
	if n == 1 {
		people = "1 person"
	}
	return s.redirectFlash(c, "/events/"+e.Slug+"/attendees", "Your message is on its way to "+people+".")
}

// messageProblem is a one-line account of why a message was refused.
func messageProblem(err error) string {
	msg := turnout.ErrorMessage(err)
	for _, f := range []string{"subject", "body", "to"} {
		if v := turnout.ErrorFields(err)[f]; v != "" {
			msg += " " + v
		}
	}
	return msg
}

// sendOrganiserMessage checks email is on and the event's hourly limit.
func (s *Server) sendOrganiserMessage(c *fiber.Ctx, e *turnout.Event, acct *turnout.Account, in turnout.MessageInput) (int, error) {
	if !s.cfg.MailOn() {
		return 0, turnout.Errorf(turnout.ECONFLICT, "This site does not send email (TURNOUT_SMTP_URL is not set).")
	}
	if err := in.Validate(); err != nil {
		return 0, err
	}
	ctx := c.UserContext()
	window := s.now().UTC().Truncate(time.Hour)
	n, err := s.store.HitRateLimit(ctx, "messages:"+strconv.FormatInt(e.ID, 10), window)
	if err != nil {
		return 0, err
	}
	if n > messagesPerEventHour {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(window.Add(time.Hour).Sub(s.now()).Seconds())+1))
		return 0, turnout.Errorf(turnout.ERATELIMITED, "This event has had %d messages in the last hour. Please wait before sending another.", messagesPerEventHour)
	}
	return s.store.SendOrganiserMessage(ctx, e.ID, acct.ID, in)
}
