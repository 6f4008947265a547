package config

import "testing"

func TestMetricsToken(t *testing.T) {
	env := func(tok string) func(string) string {
		return func(k string) string {
			if k == "TURNOUT_METRICS_TOKEN" {
				return tok
			}
			return ""
		}
	}
	if c, err := Load(env("")); err != nil || c.MetricsToken != "" {
		t.Fatalf("unset: %q %v", c.MetricsToken, err)
	}
	if c, err := Load(env("a-long-enough-metrics-token")); err != nil || c.MetricsToken != "a-long-enough-metrics-token" {
		t.Fatalf("set: %q %v", c.MetricsToken, err)
	}
	if _, err := Load(env("short")); err == nil {
		t.Fatal("a 5-character metrics token was accepted")
	}
}
