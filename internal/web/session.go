package web

import (
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Cookie names.
const (
	sessionCookie = "turnout_session"
	csrfCookie    = "turnout_csrf" // double-submit token for forms posted before login; see csrfCookieName
	flashCookie   = "turnout_flash"
)

// localSession is the c.Locals key of the request's *turnout.Session (nil: none).
const localSession = "turnout.session"

// session returns the request's live session, looking it up once.
func (s *Server) session(c *fiber.Ctx) (*turnout.Session, error) {
	if v := c.Locals(localSession); v != nil {
		sess, _ := v.(*turnout.Session)
		return sess, nil
	}
	var sess *turnout.Session
	if id := c.Cookies(sessionCookie); id != "" {
		ctx := c.UserContext()
		found, err := s.store.FindSession(ctx, id)
		switch turnout.ErrorCode(err) {
		case "":
			sess = found
		case turnout.ENOTFOUND:
			s.clearCookie(c, sessionCookie)
		default:
			return nil, err
		}
	}
	c.Locals(localSession, sess)
	return sess, nil
}

// startSession creates a session for the account, ending the browser's
// previous one (the id is rotated at every login), and sets the cookie.
func (s *Server) startSession(c *fiber.Ctx, accountID int64) error {
	ctx := c.UserContext()
	if old := c.Cookies(sessionCookie); old != "" {
		if err := s.store.DeleteSession(ctx, old); err != nil {
			return err
		}
	}
	id, sess, err := s.store.CreateSession(ctx, accountID)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: id, Path: "/", Expires: sess.ExpiresAt,
		HTTPOnly: true, Secure: s.cfg.SecureCookies(), SameSite: fiber.CookieSameSiteLaxMode})
	s.clearCookie(c, s.csrfCookieName())
	c.Locals(localSession, sess)
	return nil
}

// endSession destroys the browser's session, in the database and the cookie.
func (s *Server) endSession(c *fiber.Ctx) error {
	if id := c.Cookies(sessionCookie); id != "" {
		ctx := c.UserContext()
		if err := s.store.DeleteSession(ctx, id); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	c.Locals(localSession, (*turnout.Session)(nil))
	return nil
}

func (s *Server) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: s.cfg.SecureCookies(), SameSite: fiber.CookieSameSiteLaxMode})
}

// sessionAccount returns the account signed in through the session cookie, or
// nil when nobody is signed in.
func (s *Server) sessionAccount(c *fiber.Ctx) (*turnout.Account, error) {
	sess, err := s.session(c)
	if err != nil || sess == nil {
		return nil, err
	}
	return sess.Account, nil
}

// requireLogin guards organiser pages: a browser without a session is sent
// to the login page, which brings it back here afterwards.
func (s *Server) requireLogin(c *fiber.Ctx) error {
	acct, err := s.sessionAccount(c)
	if err != nil {
		return err
	}
	if acct == nil {
		next := c.OriginalURL()
		if c.Method() != fiber.MethodGet {
			next = "/dashboard"
		}
		return c.Redirect("/login?next="+url.QueryEscape(next), fiber.StatusSeeOther)
	}
	return c.Next()
}

// csrfToken is the token forms must echo in _csrf: the session's own token
// when signed in, otherwise a double-submit cookie set here when missing.
func (s *Server) csrfToken(c *fiber.Ctx) (string, error) {
	sess, err := s.session(c)
	if err != nil {
		return "", err
	}
	if sess != nil {
		return sess.CSRFToken, nil
	}
	name := s.csrfCookieName()
	if tok := c.Cookies(name); validCSRFToken(tok) {
		return tok, nil
	}
	tok := turnout.NewToken()
	c.Cookie(&fiber.Cookie{Name: name, Value: tok, Path: "/", HTTPOnly: true, Secure: s.cfg.SecureCookies(), SameSite: fiber.CookieSameSiteLaxMode})
	c.Request().Header.SetCookie(name, tok)
	return tok, nil
}

// csrfCookieName is the double-submit cookie's name. On https it carries the
// __Host- prefix, which browsers accept only from this host, Secure, with
// Path=/ and no Domain: a sibling subdomain cannot plant a token of its own.
func (s *Server) csrfCookieName() string {
	if s.cfg.SecureCookies() {
		return "__Host-" + csrfCookie
	}
	return csrfCookie
}

// validCSRFToken reports whether tok looks like a token Turnout issued:
// base64url of at least 128 random bits (NewToken gives 256).
func validCSRFToken(tok string) bool {
	if len(tok) < 22 || len(tok) > 100 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	return err == nil && len(b) >= 16
}

var errCSRF = turnout.Errorf(turnout.EFORBIDDEN, "This form has expired or did not come from Turnout. Go back, reload the page and try again.")

// checkCSRF refuses a state-changing request whose _csrf field (or
// X-CSRF-Token header) does not match the expected token, compared in
// constant time. It is installed on the organiser routes and the login and
// sign-up forms, not globally: public forms have their own protections and
// the bearer-token API has no cookies to abuse.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	var want string
	if sess, err := s.session(c); err != nil {
		return err
	} else if sess != nil {
		want = sess.CSRFToken
	} else {
		want = c.Cookies(s.csrfCookieName())
	}
	got := c.FormValue("_csrf")
	if got == "" {
		got = c.Get("X-CSRF-Token")
	}
	if !validCSRFToken(want) || !validCSRFToken(got) || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errCSRF
	}
	return c.Next()
}

// setFlash stores a one-time message for the next page in a short-lived cookie.
func (s *Server) setFlash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", MaxAge: 60,
		HTTPOnly: true, Secure: s.cfg.SecureCookies(), SameSite: fiber.CookieSameSiteLaxMode})
}

// takeFlash returns the flash message, if any, and clears it.
func (s *Server) takeFlash(c *fiber.Ctx) string {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return ""
	}
	s.clearCookie(c, flashCookie)
	msg, err := url.QueryUnescape(raw)
	if err != nil || len(msg) > 300 {
		return ""
	}
	return msg
}

// redirectFlash redirects (303, POST-redirect-GET) with a flash message.
func (s *Server) redirectFlash(c *fiber.Ctx, to, msg string) error {
	s.setFlash(c, msg)
	return c.Redirect(to, fiber.StatusSeeOther)
}

// safeNext returns next if it is a local path on this site, else /dashboard.
// Scheme-relative (//host), backslash and absolute URLs are refused.
func safeNext(next string) string {
	if next == "" || len(next) > 1000 || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\x00\r\n\t") {
		return "/dashboard"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/dashboard"
	}
	return next
}
