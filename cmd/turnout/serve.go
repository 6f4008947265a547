package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/turnout-org/turnout/internal/activitypub"
	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/demo"
	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/preview"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/turnout"
	"github.com/turnout-org/turnout/internal/web"
)

// cmdServe migrates the database, optionally loads the demo, and serves HTTP
// until ctx ends, then shuts down gracefully.
func cmdServe(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stdout)
	withDemo := fs.Bool("demo", false, "load demo groups, articles and events into an empty database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *withDemo && cfg.SMTPURL == "" {
		cfg.SMTPURL = "log" // a newcomer sees the mail on standard error
	}
	defer startPprof(cfg, log)()
	st, err := openStore(ctx, cfg, log, cfg.DatabaseWait)
	if err != nil {
		return err
	}
	defer st.Close()
	st.SetMaxConns(cfg.DatabaseMaxConns)
	st.SetMail(cfg.MailOn())
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("applied migrations", "count", n)
	}
	if *withDemo {
		loaded, err := demo.Load(ctx, st, time.Now())
		if err != nil {
			return fmt.Errorf("loading demo data: %w", err)
		}
		if loaded {
			log.Info("loaded demo data")
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if cfg.BaseURLDerived {
		// Links name the port really bound (TURNOUT_ADDR may ask for port 0).
		cfg.BaseURL = config.BaseURLFromAddr(ln.Addr().String())
	}
	srv, app, err := web.NewServer(cfg, log, st)
	if err != nil {
		ln.Close()
		return err
	}
	// Keeps public pages in memory exact across instances (LISTEN on
	// Postgres); deferred after st.Close, so it stops first.
	listenCtx, stopListening := context.WithCancel(context.Background())
	listening := make(chan struct{})
	go func() { defer close(listening); srv.ListenScopes(listenCtx) }()
	defer func() { stopListening(); <-listening }()
	// Deferred after st.Close, so it runs first: the purger stops before the database closes.
	stopPurger := startPurger(cfg, log, st)
	defer stopPurger()
	stopMailer, err := startMailer(cfg, log, st, stderr)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMailer()
	stopFederation, err := startFederation(cfg, log, st)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopFederation()
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Turnout is listening on %s\n", url)
	if *withDemo {
		fmt.Fprintf(stdout, "Demo organiser login: %s / %s (at %s/login)\n", demo.Email, demo.Password, url)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- app.Listener(ln) }()
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	if err := app.ShutdownWithTimeout(cfg.ShutdownGrace); err != nil {
		log.Warn("shutdown did not finish in time", "err", err)
	}
	return nil
}

// openCurrentStore opens the store for a one-off command, refusing to work
// on a database whose schema is behind. The caller closes it.
func openCurrentStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	st, err := openStore(ctx, cfg, nil, 10*time.Second)
	if err != nil {
		return nil, err
	}
	cur, latest, err := st.SchemaVersion(ctx)
	if err == nil && cur < latest {
		err = fmt.Errorf("database schema is at version %d but this binary needs %d: run `turnout migrate` first", cur, latest)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func organiserInput(email, name, group, groupName string) turnout.OrganiserInput {
	return turnout.OrganiserInput{Email: email, Name: name, GroupSlug: group, GroupName: groupName}
}

func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// describe turns a validation error into a one-line message for the terminal.
func describe(err error) error {
	fields := turnout.ErrorFields(err)
	if len(fields) == 0 {
		return errors.New(turnout.ErrorMessage(err))
	}
	var parts []string
	for k, v := range fields {
		parts = append(parts, k+": "+v)
	}
	sort.Strings(parts)
	return errors.New(strings.Join(parts, "; "))
}

// startMailer starts the worker that sends the outbox's email, when
// TURNOUT_SMTP_URL is set. stop waits for the message in hand to finish.
func startMailer(cfg config.Config, log *slog.Logger, st *store.Store, stderr io.Writer) (stop func(), err error) {
	if !cfg.MailOn() {
		log.Info("email is off: set TURNOUT_SMTP_URL to send RSVP confirmations and alerts")
		return func() {}, nil
	}
	sender, err := mail.NewSender(cfg.SMTPURL, stderr)
	if err != nil {
		return nil, err
	}
	from := cfg.MailFrom
	if from == "" {
		from = mail.DefaultFrom(cfg.BaseURL)
	}
	w := &mail.Worker{Store: st, Sender: sender, Log: log, Base: cfg.BaseURL, From: from, Leads: cfg.ReminderLeads}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	return func() { cancel(); <-done }, nil
}

// startFederation starts the worker that tells the groups' followers of
// their events, when federation is on. stop waits for deliveries in hand.
func startFederation(cfg config.Config, log *slog.Logger, st *store.Store) (stop func(), err error) {
	if !cfg.FederationOn() {
		if cfg.Federation {
			log.Info("federation is off: set TURNOUT_SECRET_KEY to let people follow groups from Mastodon and Mobilizon")
		}
		return func() {}, nil
	}
	keys, err := activitypub.NewKeys(cfg.SecretKey)
	if err != nil {
		return nil, err
	}
	site, err := activitypub.NewSite(cfg.BaseURL, "en")
	if err != nil {
		return nil, err
	}
	client := &activitypub.Client{HTTP: preview.Fetcher{AllowPrivate: cfg.AllowPrivateFetch}.HTTPClient(), Now: time.Now}
	w := &activitypub.Worker{Store: st, Site: site, Keys: keys, Client: client, Log: log}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	return func() { cancel(); <-done }, nil
}
