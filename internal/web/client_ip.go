package web

import (
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// parseTrusted turns TURNOUT_TRUSTED_PROXIES entries (IPs or CIDRs, already
// validated by config) into networks.
func parseTrusted(entries []string) []*net.IPNet {
	var nets []*net.IPNet
	for _, e := range entries {
		if !strings.Contains(e, "/") {
			if ip := net.ParseIP(e); ip != nil {
				bits := 8 * len(ip.To16())
				if ip.To4() != nil {
					ip, bits = ip.To4(), 32
				}
				nets = append(nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			}
			continue
		}
		if _, n, err := net.ParseCIDR(e); err == nil {
			nets = append(nets, n)
		}
	}
	return nets
}

func isTrusted(nets []*net.IPNet, ip net.IP) bool {
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// clientAddress makes c.IP() tell the truth for every handler after it (rate
// limits included). A client can put anything in X-Forwarded-For, and proxies
// append to what they receive, so the header is believed only when the peer
// is a trusted proxy, and then only from the right: the client is the
// rightmost address that is not itself a trusted proxy. Several header lines
// are one list in order (RFC 9110 5.3), so a proxy that adds a line of its
// own cannot be outvoted by a line the client sent first. The header is
// rewritten to that one address; from an untrusted peer it is removed.
func (s *Server) clientAddress(c *fiber.Ctx) error {
	if len(s.trusted) == 0 {
		return c.Next() // no ProxyHeader configured: c.IP() is the peer
	}
	h := &c.Request().Header
	peer := c.Context().RemoteIP()
	if !isTrusted(s.trusted, peer) {
		h.Del(fiber.HeaderXForwardedFor)
		return c.Next()
	}
	client := peer.String()
	hops := forwardedHops(h.PeekAll(fiber.HeaderXForwardedFor))
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break // garbage: trust nothing further left
		}
		client = ip.String()
		if !isTrusted(s.trusted, ip) {
			break
		}
	}
	h.Set(fiber.HeaderXForwardedFor, client)
	return c.Next()
}

// forwardedHops joins every X-Forwarded-For line, in order, into one list of hops.
func forwardedHops(lines [][]byte) []string {
	var hops []string
	for _, l := range lines {
		hops = append(hops, strings.Split(string(l), ",")...)
	}
	return hops
}
