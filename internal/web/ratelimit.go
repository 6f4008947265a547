package web

import (
	"context"
	"math"
	"net"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// ratePolicy is one row of the rate-limit table: at most max hits per
// window under keys named name:...; counted in the database (rate_limits),
// so every instance agrees, with the server's clock.
type ratePolicy struct {
	name   string
	max    int
	window time.Duration
}

// The rate-limit table. Addresses are client keys (clientKey): an IPv4
// address or an IPv6 /64. Windows are at most an hour: `turnout purge`
// prunes older ones.
var (
	// Login failures from one address, whatever the account.
	limitLoginAddress = ratePolicy{"login-address", 50, 15 * time.Minute}
	// Login failures against one account from one address: the attacker's
	// limit, which never touches the owner at their own address.
	limitLoginPair = ratePolicy{"login-pair", 10, 15 * time.Minute}
	// Login failures against one account from anywhere. Over it, every
	// login of the account is slowed by loginDelay, never refused, so that
	// no-one can lock an organiser out.
	limitLoginAccount = ratePolicy{"login-account", 100, 15 * time.Minute}
	// Sign-up and invitation forms sent from one address.
	limitSignup     = ratePolicy{"signup", 10, 15 * time.Minute}
	limitInvitation = ratePolicy{"invitation", 20, 15 * time.Minute}
	// Wrong current passwords on the change-password form, per account.
	limitPassword = ratePolicy{"password", 10, 15 * time.Minute}
	// Password reset requests from one address, and for one email address
	// (counted whether or not it has an account, so that the limit tells
	// nothing): a few links an hour, so nobody can flood an inbox.
	limitResetAddress = ratePolicy{"reset-address", 10, 15 * time.Minute}
	limitResetAccount = ratePolicy{"reset-account", 3, time.Hour}
	// Invitations emailed by one account.
	limitInviteMail = ratePolicy{"invite-mail", 30, time.Hour}
)

// loginDelay is how long each login of an account under attack waits.
const loginDelay = 2 * time.Second

// rsvpPolicy is TURNOUT_RSVP_RATE_LIMIT RSVP writes a minute per address.
func (s *Server) rsvpPolicy() ratePolicy {
	return ratePolicy{"rsvp", s.cfg.RSVPRateLimit, time.Minute}
}

// rateWindow returns the start of the policy's current window.
func (s *Server) rateWindow(p ratePolicy) time.Time {
	return s.now().UTC().Truncate(p.window)
}

// retryAfter is the seconds until the sliding count of a key with current
// hits in the window starting at start falls back under p.max, if no more
// hits come: the rest of this window, then the share of the next one over
// which the weight of this window's hits drops far enough.
func (s *Server) retryAfter(p ratePolicy, start time.Time, current int) int {
	wait := start.Add(p.window).Sub(s.now())
	if current > p.max {
		wait += time.Duration(float64(p.window) * (1 - float64(p.max)/float64(current)))
	}
	return int(wait.Seconds()) + 1
}

// hitLimit counts one hit on key under p and reports whether it went over,
// setting Retry-After when it did. A policy with max 0 is off.
func (s *Server) hitLimit(c *fiber.Ctx, p ratePolicy, key string) (bool, error) {
	if p.max <= 0 {
		return false, nil
	}
	start := s.rateWindow(p)
	n, err := s.store.HitRateLimit(c.UserContext(), p.name+":"+key, start)
	if err != nil {
		return false, err
	}
	if est, err := s.slidingCount(c.UserContext(), p, key, start, n); err != nil || est <= p.max {
		return false, err
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(s.retryAfter(p, start, n)))
	return true, nil
}

// overLimit reports, without counting, whether key has used up p in the
// current window, setting Retry-After when it has.
func (s *Server) overLimit(c *fiber.Ctx, p ratePolicy, key string) (bool, error) {
	start := s.rateWindow(p)
	n, err := s.store.RateLimitHits(c.UserContext(), p.name+":"+key, start)
	if err != nil {
		return false, err
	}
	if est, err := s.slidingCount(c.UserContext(), p, key, start, n); err != nil || est < p.max {
		return false, err
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(s.retryAfter(p, start, n)))
	return true, nil
}

// slidingCount estimates the hits on key in the last whole window ending
// now: the current window's count plus the previous window's, weighted by
// how much of it still lies inside. Without it, a fixed window would grant
// twice its allowance to someone who spreads the tries across a boundary.
func (s *Server) slidingCount(ctx context.Context, p ratePolicy, key string, start time.Time, current int) (int, error) {
	prev, err := s.store.RateLimitHits(ctx, p.name+":"+key, start.Add(-p.window))
	if err != nil || prev == 0 {
		return current, err
	}
	left := 1 - float64(s.now().Sub(start))/float64(p.window)
	return current + int(math.Ceil(float64(prev)*left)), nil
}

// countFailure records one failure under each key of its policy.
func (s *Server) countFailure(ctx context.Context, hits map[ratePolicy]string) error {
	for p, key := range hits {
		start := s.rateWindow(p)
		if _, err := s.store.HitRateLimit(ctx, p.name+":"+key, start); err != nil {
			return err
		}
	}
	return nil
}

// rateLimitRSVP answers ERATELIMITED to an address over the RSVP policy.
func (s *Server) rateLimitRSVP(c *fiber.Ctx) error {
	over, err := s.hitLimit(c, s.rsvpPolicy(), clientKey(c))
	if err != nil {
		return err
	}
	if over {
		return turnout.Errorf(turnout.ERATELIMITED, "Too many RSVPs from your network in the last minute. Please try again in a minute.")
	}
	return nil
}

// clientKey is the rate-limit key of the request's client: its IPv4
// address, or the /64 network of an IPv6 one, since a single IPv6 host is
// usually given a whole /64. c.IP() honours X-Forwarded-For only from
// TURNOUT_TRUSTED_PROXIES (clientAddress).
func clientKey(c *fiber.Ctx) string {
	return addressKey(c.IP())
}

// addressKey maps an address to its rate-limit key.
func addressKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil {
		return addr
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}

// waitDelay waits d, or less if the request's context ends first.
func waitDelay(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
