// Package mail builds and sends Turnout's email to supporters: plain text
// with a simple HTML alternative (no remote images, no tracking), RFC 8058
// one-click unsubscribe headers, and the event as an .ics attachment. Messages
// come from the store's outbox (see Worker) and go out over SMTP through
// github.com/wneessen/go-mail, or to a log for development.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email to one person.
type Message struct {
	From    string
	To      string
	Subject string
	Text    string // the plain-text body
	HTML    string // the HTML alternative
	// Unsubscribe is the one-click unsubscribe URL (List-Unsubscribe); empty
	// for messages that are not to supporters.
	Unsubscribe string
	// ICS is an iCalendar attachment (event.ics), if any.
	ICS []byte
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// ErrPermanent marks a delivery that will never succeed (the server refused
// the address or the message for good); other errors are retried.
var ErrPermanent = errors.New("permanent delivery failure")

// errNothingToTell is Compose's answer for a change alert whose change this
// recipient may not see (a hidden meeting point moved): the message is done
// without being sent.
var errNothingToTell = errors.New("nothing this recipient may see changed")

// NewSender returns the sender for TURNOUT_SMTP_URL: "log" writes each
// message to logTo; smtp:// uses STARTTLS (mandatory unless ?tls=none);
// smtps:// uses TLS from the first byte.
func NewSender(rawURL string, logTo io.Writer) (Sender, error) {
	if rawURL == "log" {
		return &logSender{w: logTo}, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("TURNOUT_SMTP_URL: not a valid smtp:// or smtps:// URL")
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	switch {
	case u.Scheme == "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	case u.Query().Get("tls") == "none":
		port = 25
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("TURNOUT_SMTP_URL: bad port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	client, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, err
	}
	return &smtpSender{client: client}, nil
}

// smtpSender sends over one SMTP connection per message; the client is not
// safe for concurrent use, so sends take turns.
type smtpSender struct {
	mu     sync.Mutex
	client *gomail.Client
}

func (s *smtpSender) Send(ctx context.Context, m *Message) error {
	msg, err := build(m)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err = s.client.DialAndSendWithContext(ctx, msg)
	var se *gomail.SendError
	if errors.As(err, &se) && !se.IsTemp() && se.Reason != gomail.ErrConnCheck && se.Reason != gomail.ErrSMTPReset {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	return err
}

// logSender writes each message, as it would go over the wire, to w.
type logSender struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *logSender) Send(_ context.Context, m *Message) error {
	msg, err := build(m)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "----- email (TURNOUT_SMTP_URL=log) -----\n")
	if _, err := msg.WriteTo(&b); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\n----- end of email -----\n")
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.w.Write(b.Bytes())
	return err
}

// build turns m into a MIME message.
func build(m *Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("to address: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if m.Unsubscribe != "" {
		msg.SetGenHeaderPreformatted("List-Unsubscribe", "<"+m.Unsubscribe+">")
		msg.SetGenHeaderPreformatted("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if len(m.ICS) > 0 {
		msg.AttachReadSeeker("event.ics", bytes.NewReader(m.ICS),
			gomail.WithFileContentType(gomail.ContentType("text/calendar; method=PUBLISH")))
	}
	return msg, nil
}

// DefaultFrom is the From address when TURNOUT_MAIL_FROM is unset: turnout@
// the host of the base URL.
func DefaultFrom(baseURL string) string {
	host := "localhost"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	if !strings.Contains(host, ".") {
		host += ".localdomain"
	}
	return "Turnout <turnout@" + host + ">"
}
