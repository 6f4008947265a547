// Package preview fetches a web page's title, summary and site name from its
// OpenGraph and meta tags, for linking articles to events. The fetch is
// bounded (timeout, size cap, few redirects), speaks only http(s) and, unless
// allowed, refuses loopback, private and link-local addresses at dial time,
// after DNS resolution, so a name that resolves inward is refused too.
package preview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Limits of one fetch.
const (
	Timeout      = 5 * time.Second
	MaxBodyBytes = 512 << 10
	MaxRedirects = 3
)

// Meta is what a page says about itself.
type Meta struct {
	Title   string
	Summary string
	Source  string
}

// Fetcher fetches previews. The zero value refuses private addresses.
type Fetcher struct {
	// AllowPrivate lets the fetcher reach loopback and private addresses
	// (TURNOUT_ALLOW_PRIVATE_FETCH; tests point it at a local server).
	AllowPrivate bool
}

// errBlocked is returned by the dialer for a forbidden address.
var errBlocked = errors.New("preview: address not allowed")

// friendly is the message organisers see for any failed fetch.
func friendly(format string, args ...any) error {
	return turnout.Errorf(turnout.EINVALID, format, args...)
}

// Fetch downloads rawURL and reads its metadata.
func (f Fetcher) Fetch(ctx context.Context, rawURL string) (*Meta, error) {
	if !turnout.ValidHTTPURL(rawURL) {
		return nil, friendly("Enter a full web address starting with http:// or https://.")
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, friendly("That web address could not be read.")
	}
	req.Header.Set("User-Agent", "Turnout link preview")
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9")
	resp, err := f.client().Do(req)
	if err != nil {
		if errors.Is(err, errBlocked) {
			return nil, friendly("Turnout does not fetch pages on private or local networks. Fill in the title yourself.")
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, friendly("The page took too long to answer. Fill in the title yourself, or try again.")
		}
		return nil, friendly("We could not reach that page. Check the address, or fill in the title yourself.")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, friendly("The page answered with an error (%d). Check the address, or fill in the title yourself.", resp.StatusCode)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/html" && mt != "application/xhtml+xml" {
		return nil, friendly("That address is not a web page. Fill in the title yourself.")
	}
	m := parse(io.LimitReader(resp.Body, MaxBodyBytes))
	if m.Source == "" {
		m.Source = strings.TrimPrefix(resp.Request.URL.Hostname(), "www.")
	}
	if m.Title == "" {
		return nil, friendly("That page has no title we could read. Fill it in yourself.")
	}
	return m, nil
}

// HTTPClient is the guarded client Fetch uses, for other server-side
// fetches of addresses the public gives (ActivityPub actors and inboxes).
func (f Fetcher) HTTPClient() *http.Client { return f.client() }

// IsBlocked reports whether err is a refusal to dial a private address.
func IsBlocked(err error) bool { return errors.Is(err, errBlocked) }

func (f Fetcher) client() *http.Client {
	dialer := &net.Dialer{Timeout: Timeout, Control: f.control}
	transport := &http.Transport{
		Proxy:                  nil, // a proxy would dial for us and bypass the address check
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    Timeout,
		ResponseHeaderTimeout:  Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		DisableKeepAlives:      true,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			// via holds the first request and every redirect followed so far.
			if len(via) > MaxRedirects {
				return fmt.Errorf("preview: too many redirects")
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("preview: redirect to %s refused", req.URL.Scheme)
			}
			return nil
		},
	}
}

// control runs after DNS resolution, before connecting: it sees the real IP.
func (f Fetcher) control(network, address string, _ syscall.RawConn) error {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return errBlocked
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return errBlocked
	}
	if f.AllowPrivate {
		return nil
	}
	if port != "80" && port != "443" && port != "8080" && port != "8443" {
		return errBlocked
	}
	if Blocked(ip) {
		return errBlocked
	}
	return nil
}

var blockedNets = func() []*net.IPNet {
	var out []*net.IPNet
	for _, cidr := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "64:ff9b::/96", "2001:db8::/32"} {
		_, n, _ := net.ParseCIDR(cidr)
		out = append(out, n)
	}
	return out
}()

// Blocked reports addresses a server-side fetch must not reach: loopback,
// private, link-local (cloud metadata at 169.254.169.254), multicast,
// unspecified and reserved ranges, IPv4-mapped IPv6 forms included.
func Blocked(ip net.IP) bool {
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, n := range blockedNets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
