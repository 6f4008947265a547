package activitypub

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxDocumentBytes caps a fetched actor document.
const MaxDocumentBytes = 1 << 20

// RemoteActor is what Turnout needs of another server's actor.
type RemoteActor struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Inbox     string `json:"inbox"`
	Endpoints struct {
		SharedInbox string `json:"sharedInbox"`
	} `json:"endpoints"`
	PublicKey struct {
		ID           string `json:"id"`
		Owner        string `json:"owner"`
		PublicKeyPem string `json:"publicKeyPem"`
	} `json:"publicKey"`
}

// Signer signs requests as one actor.
type Signer struct {
	KeyID string
	Key   *rsa.PrivateKey
}

// Client fetches actors and posts activities. HTTP is the guarded client of
// internal/preview, so a remote document can never make Turnout reach its
// own network.
type Client struct {
	HTTP *http.Client
	Now  func() time.Time
}

// FetchActor fetches an actor by id (a key id's fragment is dropped),
// signing the GET as as (for servers that require signed fetches). The
// document must be served from the host of the id it claims.
func (c *Client) FetchActor(ctx context.Context, id string, as Signer) (*RemoteActor, error) {
	u, err := url.Parse(id)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("activitypub: %q is not an actor address", id)
	}
	u.Fragment = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", ContentType+", "+LDType)
	req.Header.Set("User-Agent", "Turnout")
	if as.Key != nil {
		if err := Sign(req, nil, as.KeyID, as.Key, c.Now()); err != nil {
			return nil, err
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("activitypub: fetching %s: status %d", u, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > MaxDocumentBytes {
		return nil, errors.New("activitypub: actor document too large")
	}
	var a RemoteActor
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("activitypub: actor document: %w", err)
	}
	if SameHost(a.ID, u.String()) == "" || a.Inbox == "" || a.PublicKey.PublicKeyPem == "" {
		return nil, fmt.Errorf("activitypub: %s is not a usable actor", u)
	}
	if a.PublicKey.Owner != "" && a.PublicKey.Owner != a.ID {
		return nil, fmt.Errorf("activitypub: the key of %s belongs to someone else", u)
	}
	return &a, nil
}

// Post delivers body to inbox, signed as as, and returns the status code.
func (c *Client) Post(ctx context.Context, inbox string, body []byte, as Signer) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", LDType)
	req.Header.Set("User-Agent", "Turnout")
	if err := Sign(req, body, as.KeyID, as.Key, c.Now()); err != nil {
		return 0, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// SameHost returns the host of a when b has the same one, else "".
func SameHost(a, b string) string {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil || ua.Host == "" || !strings.EqualFold(ua.Host, ub.Host) {
		return ""
	}
	return strings.ToLower(ua.Hostname())
}

// Domain is the lower-case host name of an actor or key id.
func Domain(id string) string {
	u, err := url.Parse(id)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
