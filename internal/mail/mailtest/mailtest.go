// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 for tests, and parses what it receives.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one message as the server received it.
type Message struct {
	From, To string
	Header   mail.Header
	Text     string // the text/plain part, decoded
	HTML     string // the text/html part, decoded
	ICS      []byte // the text/calendar attachment, decoded
	Raw      []byte
}

// Server is an SMTP server on 127.0.0.1 that keeps what it receives.
type Server struct {
	Addr string
	t    testing.TB

	mu       sync.Mutex
	received []*Message
	changed  chan struct{}
	// Reject makes RCPT TO of these addresses fail for good (550).
	Reject map[string]bool
	// tempFail answers every MAIL FROM with 421 (service not available),
	// counting the refusals in refused.
	tempFail bool
	refused  int
	// holdAt is the count of received messages at which Data stops
	// answering until release is closed (HoldAt); held is closed then.
	holdAt  int
	held    chan struct{}
	release chan struct{}
	smtp    *smtp.Server
	ln      net.Listener
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, changed: make(chan struct{}), Reject: map[string]bool{}}
	s.listen("127.0.0.1:0")
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatalf("smtp listen: %v", err)
	}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.mu.Lock()
	s.Addr, s.smtp, s.ln = ln.Addr().String(), srv, ln
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// URL is the TURNOUT_SMTP_URL of the server (no TLS: a local relay).
func (s *Server) URL() string { return "smtp://" + s.Addr + "?tls=none" }

// Stop closes the server: connections are refused until Restart.
func (s *Server) Stop() {
	s.Release()
	s.mu.Lock()
	srv, ln := s.smtp, s.ln
	s.smtp, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Close the listener too: Serve may not have taken it over yet.
		_ = ln.Close()
		_ = srv.Close()
	}
}

// Restart listens again on the same address.
func (s *Server) Restart() { s.listen(s.Addr) }

// Messages returns what arrived so far.
func (s *Server) Messages() []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Message(nil), s.received...)
}

// Wait waits until at least n messages arrived, failing the test after timeout.
func (s *Server) Wait(n int, timeout time.Duration) []*Message {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, ch := len(s.received), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-ch:
		case <-deadline:
			s.t.Fatalf("waited %s for %d messages, got %d", timeout, n, got)
		}
	}
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s        *Server
	from, to string
}

func (x *session) Reset()        { x.from, x.to = "", "" }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.tempFail {
		x.s.refused++
		close(x.s.changed)
		x.s.changed = make(chan struct{})
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service not available, try again later"}
	}
	x.from = from
	return nil
}

// TempFail makes the server refuse every message for now (421) while on.
func (s *Server) TempFail(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tempFail = on
}

// WaitRefused waits until the server refused at least n messages with 421.
func (s *Server) WaitRefused(n int, timeout time.Duration) {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, ch := s.refused, s.changed
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			s.t.Fatalf("waited %s for %d refusals, got %d", timeout, n, got)
		}
	}
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	reject := x.s.Reject[to]
	x.s.mu.Unlock()
	if reject {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	x.to = to
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := Parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unparseable message: " + err.Error()}
	}
	m.From, m.To = x.from, x.to
	x.s.mu.Lock()
	x.s.received = append(x.s.received, m)
	close(x.s.changed)
	x.s.changed = make(chan struct{})
	var release chan struct{}
	if x.s.holdAt > 0 && len(x.s.received) == x.s.holdAt {
		close(x.s.held)
		release = x.s.release
	}
	x.s.mu.Unlock()
	if release != nil {
		<-release // delivered, but the sender has no "250 OK" yet
	}
	return nil
}

// HoldAt makes the server keep its n-th message (counting from the first
// ever received) and then not answer the sender until Release: the message
// is delivered, but the sender cannot know it. The channel is closed when
// that message has arrived.
func (s *Server) HoldAt(n int) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdAt, s.held, s.release = n, make(chan struct{}), make(chan struct{})
	return s.held
}

// Release lets a held message's answer go (see HoldAt).
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.release != nil {
		close(s.release)
		s.release, s.holdAt = nil, 0
	}
}

// Parse reads a MIME message into its text, HTML and calendar parts.
func Parse(raw []byte) (*Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	m := &Message{Header: msg.Header, Raw: raw}
	return m, walk(m, textproto(msg.Header), msg.Body)
}

type header interface{ Get(string) string }

func textproto(h mail.Header) header { return h }

func walk(m *Message, h header, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return err
			}
			if err := walk(m, p.Header, p); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	case "text/calendar":
		m.ICS = b
	}
	return nil
}

// DecodedSubject is the Subject header decoded from RFC 2047 words.
func (m *Message) DecodedSubject() string {
	s, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return m.Header.Get("Subject")
	}
	return s
}
