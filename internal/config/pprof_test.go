package config

import (
	"strings"
	"testing"
)

func TestPprofAddr(t *testing.T) {
	tests := []struct {
		name, value string
		ok          bool
	}{
		{"Off", "", true},
		{"IPv4Loopback", "127.0.0.1:6060", true},
		{"IPv6Loopback", "[::1]:6060", true},
		{"Localhost", "localhost:6060", true},
		{"ErrAllInterfaces", "0.0.0.0:6060", false},
		{"ErrNoHost", ":6060", false},
		{"ErrPublicAddress", "192.0.2.10:6060", false},
		{"ErrNotHostPort", "6060", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(func(k string) string {
				if k == "TURNOUT_PPROF_ADDR" {
					return tc.value
				}
				return ""
			})
			if tc.ok {
				if err != nil || cfg.PprofAddr != tc.value {
					t.Fatalf("PprofAddr %q, err %v", cfg.PprofAddr, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "TURNOUT_PPROF_ADDR") {
				t.Fatalf("err %v, want one naming TURNOUT_PPROF_ADDR", err)
			}
		})
	}
}
