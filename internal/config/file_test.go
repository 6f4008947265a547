package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFileSettings: a setting read from the file its _FILE variable names,
// and the ways that can go wrong, each an error naming the variable.
func TestFileSettings(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "database-url")
	if err := os.WriteFile(secret, []byte("postgres://turnout:s3cret@db/turnout\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string // the database URL, or a part of the error
	}{
		{"FromFile", map[string]string{"TURNOUT_DATABASE_URL_FILE": secret}, "postgres://turnout:s3cret@db/turnout"},
		{"Plain", map[string]string{"TURNOUT_DATABASE_URL": "sqlite:x.db"}, "sqlite:x.db"},
		{"Default", map[string]string{}, "sqlite:turnout.db"},
		{"ErrMissingFile", map[string]string{"TURNOUT_DATABASE_URL_FILE": filepath.Join(dir, "typo")}, "TURNOUT_DATABASE_URL_FILE=\"" + filepath.Join(dir, "typo") + "\": cannot read it"},
		{"ErrDirectory", map[string]string{"TURNOUT_DATABASE_URL_FILE": dir}, "TURNOUT_DATABASE_URL_FILE=\"" + dir + "\": cannot read it"},
		{"ErrEmptyFile", map[string]string{"TURNOUT_DATABASE_URL_FILE": empty}, "TURNOUT_DATABASE_URL_FILE=\"" + empty + "\": the file is empty"},
		{"ErrBoth", map[string]string{"TURNOUT_DATABASE_URL": "sqlite:x.db", "TURNOUT_DATABASE_URL_FILE": secret}, "TURNOUT_DATABASE_URL and TURNOUT_DATABASE_URL_FILE are both set"},
		{"ErrOtherSetting", map[string]string{"TURNOUT_BASE_URL_FILE": filepath.Join(dir, "typo")}, "TURNOUT_BASE_URL_FILE="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(func(k string) string { return tc.env[k] })
			if strings.HasPrefix(tc.name, "Err") {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want an error containing %q", err, tc.want)
				}
				return
			}
			if err != nil || cfg.DatabaseURL != tc.want {
				t.Fatalf("got %q, %v; want %q", cfg.DatabaseURL, err, tc.want)
			}
		})
	}
}

func TestFederationNeedsALongEnoughSecret(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	c, err := Load(get)
	if err != nil || !c.Federation || c.FederationOn() {
		t.Fatalf("default: federation %v, on %v, err %v: want the switch on but federation off without a secret", c.Federation, c.FederationOn(), err)
	}
	env["TURNOUT_SECRET_KEY"] = "short"
	if _, err := Load(get); err == nil || !strings.Contains(err.Error(), "TURNOUT_SECRET_KEY") {
		t.Fatalf("a short secret: %v", err)
	}
	env["TURNOUT_SECRET_KEY"] = "0123456789abcdef0123"
	if c, err = Load(get); err != nil || !c.FederationOn() {
		t.Fatalf("with a secret: on %v, err %v", c.FederationOn(), err)
	}
	env["TURNOUT_FEDERATION"] = "off"
	if c, err = Load(get); err != nil || c.FederationOn() {
		t.Fatalf("TURNOUT_FEDERATION=off: on %v, err %v", c.FederationOn(), err)
	}
}
