package config

// Setting is one TURNOUT_* environment variable that Load reads.
type Setting struct {
	Name string
	// Default is the value Load uses when the variable is unset, written
	// as the variable would be set; DefaultText describes a default that
	// is not such a value (derived, or nothing).
	Default     string
	DefaultText string
	Help        string // what it is for, one line
}

// DefaultShown is the default as --help and the README show it.
func (s Setting) DefaultShown() string {
	if s.DefaultText != "" {
		return s.DefaultText
	}
	return s.Default
}

// Settings lists every variable Load reads, in the order --help and the
// README's configuration table show them. Tests check Load against it and
// the README's table against it.
var Settings = []Setting{
	{Name: "TURNOUT_ADDR", Default: "127.0.0.1:3000", Help: "listen address"},
	{Name: "TURNOUT_DATABASE_URL", Default: "sqlite:turnout.db", Help: "postgres://... or sqlite:PATH"},
	{Name: "TURNOUT_BASE_URL", DefaultText: "from TURNOUT_ADDR", Help: "public base URL for links, feeds and email"},
	{Name: "TURNOUT_RETENTION_DAYS", Default: "30", Help: "days after an event ends before RSVP personal data is erased"},
	{Name: "TURNOUT_RSVP_RATE_LIMIT", Default: "120", Help: "RSVPs per client address per minute, 0 = off"},
	{Name: "TURNOUT_OPEN_SIGNUP", Default: "on", Help: "allow public organiser sign-up: on or off"},
	{Name: "TURNOUT_TRUSTED_PROXIES", DefaultText: "none", Help: "comma-separated proxy IPs/CIDRs whose X-Forwarded-For is believed"},
	{Name: "TURNOUT_FEED_MAX_AGE", Default: "300s", Help: "Cache-Control max-age of feeds"},
	{Name: "TURNOUT_PAGE_CACHE_MB", Default: "64", Help: "MB of memory each instance may use to keep public pages rendered, 0 = none"},
	{Name: "TURNOUT_BODY_LIMIT", Default: "1048576", Help: "largest request body in bytes"},
	{Name: "TURNOUT_SHUTDOWN_TIMEOUT", Default: "15s", Help: "how long requests in flight may finish after SIGTERM"},
	{Name: "TURNOUT_DATABASE_WAIT", Default: "30s", Help: "how long serve retries an unreachable database at start"},
	{Name: "TURNOUT_DATABASE_MAX_CONNS", DefaultText: "24 (Postgres), 8 (SQLite)", Help: "database connections one instance may open"},
	{Name: "TURNOUT_PURGE_INTERVAL", Default: "1h", Help: "how often serve erases expired RSVP personal data, 0 = off"},
	{Name: "TURNOUT_LOG_FORMAT", Default: "text", Help: "text or json"},
	{Name: "TURNOUT_ALLOW_PRIVATE_FETCH", Default: "off", Help: "let article previews fetch private/loopback addresses, for tests only"},
	{Name: "TURNOUT_METRICS_TOKEN", DefaultText: "unset", Help: "bearer token GET /metrics requires; unset, /metrics answers 404"},
	{Name: "TURNOUT_PPROF_ADDR", DefaultText: "off", Help: "serve Go profiles on this loopback address, e.g. 127.0.0.1:6060"},
	{Name: "TURNOUT_SMTP_URL", DefaultText: "off", Help: "send email: smtp://user:pass@host:587, smtps://user:pass@host:465, smtp://host:25?tls=none or log"},
	{Name: "TURNOUT_MAIL_FROM", DefaultText: "Turnout <turnout@HOST>", Help: "From address of email, HOST from TURNOUT_BASE_URL"},
	{Name: "TURNOUT_REMINDER_LEAD", Default: "24h", Help: "email reminders this long before each start, a comma list such as 24h,2h, or off"},
	{Name: "TURNOUT_DEFAULT_LANGUAGE", Default: "en", Help: "language of pages when the visitor asks for none (no ?lang=, no language cookie, no Accept-Language Turnout ships) and the group sets none: en, fr, de, es or pt"},
	{Name: "TURNOUT_FEDERATION", Default: "on", Help: "groups can be followed over ActivityPub: on or off; needs TURNOUT_SECRET_KEY"},
	{Name: "TURNOUT_SECRET_KEY", DefaultText: "unset", Help: "secret (16+ characters) that seals the groups' ActivityPub keys; unset = federation off"},
}
