// Package config reads Turnout's settings from TURNOUT_* environment variables
// into a typed Config, once, with defaults and validation.
package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/turnout-org/turnout/internal/i18n"
)

// Config holds every setting of a Turnout process.
type Config struct {
	Addr              string          // TURNOUT_ADDR, listen address
	DatabaseURL       string          // TURNOUT_DATABASE_URL
	BaseURL           string          // TURNOUT_BASE_URL, public base URL without trailing slash
	BaseURLDerived    bool            // BaseURL was derived from Addr, not configured
	RetentionDays     int             // TURNOUT_RETENTION_DAYS
	RSVPRateLimit     int             // TURNOUT_RSVP_RATE_LIMIT per client address per minute; 0 is off
	OpenSignup        bool            // TURNOUT_OPEN_SIGNUP
	TrustedProxies    []string        // TURNOUT_TRUSTED_PROXIES, comma-separated IPs or CIDRs
	FeedMaxAge        time.Duration   // TURNOUT_FEED_MAX_AGE, Cache-Control max-age of feeds
	PageCacheMB       int             // TURNOUT_PAGE_CACHE_MB: memory for public pages kept rendered; 0 keeps none
	LogFormat         string          // TURNOUT_LOG_FORMAT: text or json
	BodyLimit         int             // TURNOUT_BODY_LIMIT in bytes
	ShutdownGrace     time.Duration   // TURNOUT_SHUTDOWN_TIMEOUT
	PurgeInterval     time.Duration   // TURNOUT_PURGE_INTERVAL
	DatabaseWait      time.Duration   // TURNOUT_DATABASE_WAIT: how long serve retries an unreachable database at start
	DatabaseMaxConns  int             // TURNOUT_DATABASE_MAX_CONNS: connections one instance may open; 0 keeps the store's default
	AllowPrivateFetch bool            // TURNOUT_ALLOW_PRIVATE_FETCH: let article previews fetch private addresses (tests)
	PprofAddr         string          // TURNOUT_PPROF_ADDR: loopback address of an opt-in pprof listener; empty is off
	SMTPURL           string          // TURNOUT_SMTP_URL: smtp://, smtps:// or "log"; empty is email off
	MailFrom          string          // TURNOUT_MAIL_FROM: the From address of every message
	ReminderLeads     []time.Duration // TURNOUT_REMINDER_LEAD: reminders this long before each start
	MetricsToken      string          // TURNOUT_METRICS_TOKEN: bearer token /metrics requires; empty turns /metrics off (404)
	Federation        bool            // TURNOUT_FEDERATION: groups are ActivityPub actors (needs SecretKey)
	SecretKey         string          // TURNOUT_SECRET_KEY: seals the actors' private keys at rest
	DefaultLanguage   string          // TURNOUT_DEFAULT_LANGUAGE: en, fr, de, es or pt, when a request asks for none
}

// FederationOn reports whether groups federate: TURNOUT_FEDERATION is on
// and TURNOUT_SECRET_KEY is set to seal their keys.
func (c Config) FederationOn() bool { return c.Federation && c.SecretKey != "" }

// MailOn reports whether Turnout sends email (TURNOUT_SMTP_URL is set).
func (c Config) MailOn() bool { return c.SMTPURL != "" }

// Load reads the configuration through getenv. Values ending in _FILE name a
// file whose contents are the value (for secrets such as the database URL);
// such a file that cannot be read or is empty, or a variable set both ways,
// is an error that names the variable.
func Load(getenv func(string) string) (Config, error) {
	var errs []string
	get := func(key string) string {
		v, err := lookup(getenv, key)
		if err != nil {
			errs = append(errs, err.Error())
		}
		return v
	}
	c := Config{
		Addr:        or(get("TURNOUT_ADDR"), "127.0.0.1:3000"),
		DatabaseURL: or(get("TURNOUT_DATABASE_URL"), "sqlite:turnout.db"),
		LogFormat:   or(get("TURNOUT_LOG_FORMAT"), "text"),
	}
	intVar := func(key string, def int, min int, dst *int) {
		*dst = def
		if v := get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < min {
				errs = append(errs, fmt.Sprintf("%s=%q: want a whole number >= %d", key, v, min))
				return
			}
			*dst = n
		}
	}
	durVar := func(key string, def time.Duration, dst *time.Duration) {
		*dst = def
		if v := get(key); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				if n, err2 := strconv.Atoi(v); err2 == nil {
					d, err = time.Duration(n)*time.Second, nil
				}
			}
			if err != nil || d < 0 {
				errs = append(errs, fmt.Sprintf("%s=%q: want a duration such as 300s or 5m", key, v))
				return
			}
			*dst = d
		}
	}
	boolVar := func(key string, def bool, dst *bool) {
		*dst = def
		if v := get(key); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				switch strings.ToLower(v) {
				case "on", "yes":
					b, err = true, nil
				case "off", "no":
					b, err = false, nil
				}
			}
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s=%q: want on or off", key, v))
				return
			}
			*dst = b
		}
	}
	intVar("TURNOUT_RETENTION_DAYS", 30, 1, &c.RetentionDays)
	intVar("TURNOUT_RSVP_RATE_LIMIT", 120, 0, &c.RSVPRateLimit)
	intVar("TURNOUT_BODY_LIMIT", 1<<20, 1024, &c.BodyLimit)
	intVar("TURNOUT_DATABASE_MAX_CONNS", 0, 0, &c.DatabaseMaxConns)
	intVar("TURNOUT_PAGE_CACHE_MB", 64, 0, &c.PageCacheMB)
	boolVar("TURNOUT_OPEN_SIGNUP", true, &c.OpenSignup)
	boolVar("TURNOUT_ALLOW_PRIVATE_FETCH", false, &c.AllowPrivateFetch)
	boolVar("TURNOUT_FEDERATION", true, &c.Federation)
	durVar("TURNOUT_FEED_MAX_AGE", 300*time.Second, &c.FeedMaxAge)
	durVar("TURNOUT_SHUTDOWN_TIMEOUT", 15*time.Second, &c.ShutdownGrace)
	durVar("TURNOUT_PURGE_INTERVAL", time.Hour, &c.PurgeInterval)
	durVar("TURNOUT_DATABASE_WAIT", 30*time.Second, &c.DatabaseWait)
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Sprintf("TURNOUT_LOG_FORMAT=%q: want text or json", c.LogFormat))
	}
	for _, p := range strings.Split(get("TURNOUT_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				errs = append(errs, fmt.Sprintf("TURNOUT_TRUSTED_PROXIES: %q is not an IP address or CIDR range", p))
				continue
			}
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	if c.PprofAddr = get("TURNOUT_PPROF_ADDR"); c.PprofAddr != "" && !loopback(c.PprofAddr) {
		errs = append(errs, fmt.Sprintf("TURNOUT_PPROF_ADDR=%q: want a loopback address such as 127.0.0.1:6060", c.PprofAddr))
	}
	if c.MetricsToken = get("TURNOUT_METRICS_TOKEN"); c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, "TURNOUT_METRICS_TOKEN: use at least 16 characters (for example: openssl rand -hex 32)")
	}
	if c.SecretKey = get("TURNOUT_SECRET_KEY"); c.SecretKey != "" && len(c.SecretKey) < 16 {
		errs = append(errs, "TURNOUT_SECRET_KEY: use at least 16 characters (for example: openssl rand -hex 32)")
	}
	if c.DefaultLanguage = or(get("TURNOUT_DEFAULT_LANGUAGE"), "en"); !i18n.IsSupported(c.DefaultLanguage) {
		errs = append(errs, fmt.Sprintf("TURNOUT_DEFAULT_LANGUAGE=%q: want one of en, fr, de, es, pt", c.DefaultLanguage))
	}
	c.SMTPURL = get("TURNOUT_SMTP_URL")
	c.MailFrom = get("TURNOUT_MAIL_FROM")
	errs = append(errs, checkMail(c.SMTPURL, c.MailFrom)...)
	var err string
	if c.ReminderLeads, err = reminderLeads(or(get("TURNOUT_REMINDER_LEAD"), "24h")); err != "" {
		errs = append(errs, err)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Sprintf("TURNOUT_ADDR=%q: want host:port, such as 127.0.0.1:3000 or :3000", c.Addr))
	}
	c.BaseURL = strings.TrimRight(get("TURNOUT_BASE_URL"), "/")
	if c.BaseURL == "" {
		c.BaseURL, c.BaseURLDerived = BaseURLFromAddr(c.Addr), true
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Sprintf("TURNOUT_BASE_URL=%q: want an http or https URL", c.BaseURL))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// lookup returns the value of key: from the variable itself, or else from
// the file that key_FILE names, its surrounding space trimmed.
func lookup(getenv func(string) string, key string) (string, error) {
	v, path := getenv(key), getenv(key+"_FILE")
	switch {
	case path == "":
		return v, nil
	case v != "":
		return "", fmt.Errorf("%s and %s_FILE are both set: set one of them", key, key)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s_FILE=%q: cannot read it: %v", key, path, err)
	}
	if v = strings.TrimSpace(string(b)); v == "" {
		return "", fmt.Errorf("%s_FILE=%q: the file is empty", key, path)
	}
	return v, nil
}

// BaseURLFromAddr derives a base URL from a listen address: ":3000" and
// "0.0.0.0:3000" become http://localhost:3000.
func BaseURLFromAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:3000"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// loopback reports whether addr is host:port with a loopback host: profiles
// reveal internals and must never be served beyond this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// SecureCookies reports whether cookies must be marked Secure (an https base URL).
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// checkMail validates TURNOUT_SMTP_URL and TURNOUT_MAIL_FROM.
func checkMail(smtpURL, from string) []string {
	var errs []string
	if smtpURL != "" && smtpURL != "log" {
		u, err := url.Parse(smtpURL)
		switch {
		case err != nil || u.Hostname() == "":
			errs = append(errs, "TURNOUT_SMTP_URL: want smtp://user:pass@host:587, smtps://user:pass@host:465, smtp://host:25?tls=none or log")
		case u.Scheme != "smtp" && u.Scheme != "smtps":
			errs = append(errs, fmt.Sprintf("TURNOUT_SMTP_URL: scheme %q: want smtp, smtps or log", u.Scheme))
		case u.Query().Get("tls") != "" && u.Query().Get("tls") != "none":
			errs = append(errs, "TURNOUT_SMTP_URL: the only tls option is tls=none (a local relay)")
		}
	}
	if from != "" {
		if _, err := mail.ParseAddress(from); err != nil {
			errs = append(errs, fmt.Sprintf("TURNOUT_MAIL_FROM=%q: want an address such as Turnout <events@example.org>", from))
		}
	}
	return errs
}

// reminderLeads parses TURNOUT_REMINDER_LEAD: a comma list of durations such
// as 24h,2h, or "off".
func reminderLeads(v string) ([]time.Duration, string) {
	if strings.EqualFold(v, "off") {
		return nil, ""
	}
	var out []time.Duration
	for _, part := range strings.Split(v, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < time.Minute || d > 60*24*time.Hour {
			return nil, fmt.Sprintf("TURNOUT_REMINDER_LEAD=%q: want durations between 1m and 1440h, such as 24h or 24h,2h, or off", v)
		}
		out = append(out, d)
	}
	return out, ""
}
