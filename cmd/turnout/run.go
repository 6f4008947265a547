package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/store"
)

const usage = `Turnout: organise protests, marches, rallies, vigils and public meetings.

Usage:
  turnout [serve] [--demo]     serve HTTP (the default command)
  turnout migrate              apply database migrations and exit
  turnout organiser add --email E --name N --group SLUG [--group-name NAME] [--password-stdin] [--admin]
                               create or reuse an organiser and group; print a new API token;
                               --admin makes the first account of an empty instance its administrator
  turnout admin add --email E  make an existing account an administrator (the /admin pages)
  turnout admin remove --email E
                               make it an administrator no longer
  turnout purge                erase personal data of RSVPs to events that ended more than
                               TURNOUT_RETENTION_DAYS ago

Environment (any variable may instead be read from a file named by the same name plus _FILE;
not both, and a _FILE that cannot be read or is empty is an error):
`

// help is --help: the commands, then every setting of config.Settings with
// its default.
func help() string {
	var b strings.Builder
	b.WriteString(usage)
	for _, s := range config.Settings {
		fmt.Fprintf(&b, "  %-28s %s; default %s\n", s.Name, s.Help, s.DefaultShown())
	}
	return b.String()
}

// run is the whole program: tests call it as main does.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" || (len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help")) && cmd != "organiser" {
		fmt.Fprint(stdout, help())
		return nil
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	logOut := stderr
	if cmd == "serve" {
		// One write per burst of request log lines, not one per line.
		lw := newLogWriter(stderr)
		defer lw.Close()
		logOut = lw
	}
	log := newLogger(cfg, logOut)
	switch cmd {
	case "serve":
		return cmdServe(ctx, cfg, log, args, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, cfg, stdout)
	case "admin":
		return cmdAdmin(ctx, cfg, args, stdout)
	case "organiser":
		return cmdOrganiser(ctx, cfg, args, stdin, stdout)
	case "purge":
		return cmdPurge(ctx, cfg, stdout)
	default:
		fmt.Fprint(stderr, help())
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// openStore connects to the database, retrying with backoff while it is
// unreachable (a database container may start after Turnout), for up to wait.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, wait time.Duration) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	delay := 250 * time.Millisecond
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = st.Ping(pctx)
		cancel()
		if err == nil {
			return st, nil
		}
		if time.Now().Add(delay).After(deadline) || ctx.Err() != nil {
			st.Close()
			return nil, fmt.Errorf("database unreachable after %s; check TURNOUT_DATABASE_URL and that the database is up: %w", wait.Round(time.Second), err)
		}
		if log != nil {
			log.Warn("database not reachable yet; retrying", "in", delay.String(), "err", err)
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
		}
		if delay *= 2; delay > 5*time.Second {
			delay = 5 * time.Second
		}
	}
}

func cmdMigrate(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	st, err := openStore(ctx, cfg, nil, 10*time.Second)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	cur, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s); schema version %d\n", n, cur)
	return nil
}

// cmdOrganiser handles `turnout organiser add`.
func cmdOrganiser(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: turnout organiser add --email E --name N --group SLUG [--group-name NAME] [--password-stdin]")
	}
	fs := flag.NewFlagSet("organiser add", flag.ContinueOnError)
	fs.SetOutput(stdout)
	email := fs.String("email", "", "the organiser's email address")
	name := fs.String("name", "", "the organiser's display name")
	group := fs.String("group", "", "the group's slug")
	groupName := fs.String("group-name", "", "the group's name, for a new group")
	pwStdin := fs.Bool("password-stdin", false, "read the account's password from the first line of standard input")
	admin := fs.Bool("admin", false, "make the account the administrator (only the first account of an empty instance)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || *name == "" || *group == "" {
		return errors.New("organiser add: --email, --name and --group are required")
	}
	in := organiserInput(*email, *name, *group, *groupName)
	in.Admin = *admin
	if *pwStdin {
		pw, err := readLine(stdin)
		if err != nil {
			return fmt.Errorf("organiser add: reading the password from standard input: %w", err)
		}
		in.Password = pw
	}
	st, err := openCurrentStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	token, err := st.AddOrganiser(ctx, in)
	if err != nil {
		return describe(err)
	}
	if in.Admin {
		fmt.Fprintf(stdout, "%s is the administrator of this instance.\n", in.Email)
	}
	fmt.Fprintf(stdout, "%s is an organiser of %q. API token (shown once):\n%s\n", in.Email, in.GroupSlug, token)
	return nil
}

// cmdAdmin handles `turnout admin add` and `turnout admin remove`.
func cmdAdmin(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	const use = "usage: turnout admin add|remove --email E"
	if len(args) == 0 || (args[0] != "add" && args[0] != "remove") {
		return errors.New(use)
	}
	fs := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	email := fs.String("email", "", "the account's email address")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return errors.New(use)
	}
	st, err := openCurrentStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	add := args[0] == "add"
	if err := st.SetAdmin(ctx, *email, add); err != nil {
		return describe(err)
	}
	if add {
		fmt.Fprintf(stdout, "%s is an administrator.\n", *email)
	} else {
		fmt.Fprintf(stdout, "%s is no longer an administrator.\n", *email)
	}
	return nil
}
