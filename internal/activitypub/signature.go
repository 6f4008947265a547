package activitypub

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// HTTP Signatures as the fediverse uses them (draft-cavage-http-signatures,
// rsa-sha256 over "(request-target) host date digest"): Mastodon, Mobilizon
// and Gancio sign every delivery this way, and many sign fetches too.

// MaxClockSkew is how far a signed request's Date may be from now.
const MaxClockSkew = 12 * time.Hour

// Reasons a signed request is refused.
var (
	ErrNoSignature  = errors.New("the request is not signed")
	ErrBadSignature = errors.New("the signature does not verify")
	ErrBadDigest    = errors.New("the Digest header does not match the body")
	ErrStaleDate    = errors.New("the Date header is missing or more than 12 hours from now")
)

// Digest is the Digest header value of body.
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// Sign signs req (with body, for a POST) as keyID at now, setting Host,
// Date, Digest and Signature.
func Sign(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	req.Header.Set("Host", req.URL.Host)
	headers := []string{"(request-target)", "host", "date"}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		req.Header.Set("Digest", Digest(body))
		headers = append(headers, "digest")
	}
	get := func(name string) string {
		if name == "host" {
			return req.URL.Host
		}
		return req.Header.Get(name)
	}
	target := req.URL.RequestURI()
	signed := signingString(headers, req.Method, target, get)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return err
	}
	req.Header.Set("Signature", fmt.Sprintf(`keyId="%s",algorithm="rsa-sha256",headers="%s",signature="%s"`,
		keyID, strings.Join(headers, " "), base64.StdEncoding.EncodeToString(sig)))
	return nil
}

// signingString is the text a signature covers.
func signingString(headers []string, method, target string, get func(string) string) string {
	lines := make([]string, len(headers))
	for i, h := range headers {
		if h == "(request-target)" {
			lines[i] = "(request-target): " + strings.ToLower(method) + " " + target
		} else {
			lines[i] = h + ": " + get(h)
		}
	}
	return strings.Join(lines, "\n")
}

// Incoming is a request to verify, in the terms of whatever server took it.
type Incoming struct {
	Method string
	Target string // path and query, as sent
	Header func(name string) string
	Body   []byte
}

// SignatureKeyID returns the keyId a request claims to be signed with.
func SignatureKeyID(r Incoming) (string, error) {
	p, err := parseSignature(r.Header("Signature"))
	if err != nil {
		return "", err
	}
	return p["keyId"], nil
}

// Precheck does the checks that need no key: the signature must cover
// (request-target), host and date, and digest for a request with a body;
// the Date must be within MaxClockSkew; the Digest must match the body. It
// returns the signature's parameters.
func Precheck(r Incoming, now time.Time) (map[string]string, error) {
	p, err := parseSignature(r.Header("Signature"))
	if err != nil {
		return nil, err
	}
	headers := strings.Fields(strings.ToLower(p["headers"]))
	need := []string{"(request-target)", "host", "date"}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		need = append(need, "digest")
	}
	for _, h := range need {
		if !contains(headers, h) {
			return nil, fmt.Errorf("%w: it must cover %s", ErrBadSignature, h)
		}
	}
	date, err := http.ParseTime(r.Header("Date"))
	if err != nil || date.Sub(now) > MaxClockSkew || now.Sub(date) > MaxClockSkew {
		return nil, ErrStaleDate
	}
	if contains(need, "digest") && !digestMatches(r.Header("Digest"), r.Body) {
		return nil, ErrBadDigest
	}
	if alg := strings.ToLower(p["algorithm"]); alg != "" && alg != "rsa-sha256" && alg != "hs2019" {
		return nil, fmt.Errorf("%w: algorithm %q is not supported", ErrBadSignature, p["algorithm"])
	}
	return p, nil
}

// Verify runs Precheck, then checks r's signature with pub.
func Verify(r Incoming, pub *rsa.PublicKey, now time.Time) error {
	p, err := Precheck(r, now)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(p["signature"])
	if err != nil {
		return ErrBadSignature
	}
	headers := strings.Fields(strings.ToLower(p["headers"]))
	sum := sha256.Sum256([]byte(signingString(headers, r.Method, r.Target, r.Header)))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return ErrBadSignature
	}
	return nil
}

// digestMatches reports whether header holds the SHA-256 digest of body.
func digestMatches(header string, body []byte) bool {
	want := Digest(body)
	for _, d := range strings.Split(header, ",") {
		d = strings.TrimSpace(d)
		if alg, _, ok := strings.Cut(d, "="); ok && strings.EqualFold(alg, "SHA-256") {
			return subtle.ConstantTimeCompare([]byte("SHA-256"+d[len(alg):]), []byte(want)) == 1
		}
	}
	return false
}

// parseSignature reads the parameters of a Signature header.
func parseSignature(h string) (map[string]string, error) {
	if h == "" {
		return nil, ErrNoSignature
	}
	p := map[string]string{}
	for h != "" {
		name, rest, ok := strings.Cut(h, "=")
		if !ok || !strings.HasPrefix(rest, `"`) {
			return nil, ErrBadSignature
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return nil, ErrBadSignature
		}
		p[strings.TrimSpace(name)] = rest[1 : end+1]
		h = strings.TrimLeft(rest[end+2:], ", ")
	}
	if p["keyId"] == "" || p["signature"] == "" {
		return nil, ErrBadSignature
	}
	return p, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
