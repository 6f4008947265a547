package config

import (
	"testing"
	"time"
)

func TestMailSettings(t *testing.T) {
	tests := []struct {
		name, smtp, from, lead string
		ok                     bool
		leads                  []time.Duration
	}{
		{"Off", "", "", "", true, []time.Duration{24 * time.Hour}},
		{"Log", "log", "", "", true, []time.Duration{24 * time.Hour}},
		{"StartTLS", "smtp://u:p@mail.example.org:587", "Group <events@example.org>", "24h,2h", true, []time.Duration{24 * time.Hour, 2 * time.Hour}},
		{"ImplicitTLS", "smtps://u:p@mail.example.org", "", "", true, []time.Duration{24 * time.Hour}},
		{"LocalRelay", "smtp://127.0.0.1:25?tls=none", "", "off", true, nil},
		{"ErrScheme", "http://mail.example.org", "", "", false, nil},
		{"ErrNoHost", "smtp://", "", "", false, nil},
		{"ErrTLSOption", "smtp://h:25?tls=maybe", "", "", false, nil},
		{"ErrFrom", "log", "not an address", "", false, nil},
		{"ErrLead", "log", "", "tomorrow", false, nil},
		{"ErrLeadTooShort", "log", "", "10s", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"TURNOUT_SMTP_URL": tc.smtp, "TURNOUT_MAIL_FROM": tc.from, "TURNOUT_REMINDER_LEAD": tc.lead}
			c, err := Load(func(k string) string { return env[k] })
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if !tc.ok {
				return
			}
			if c.MailOn() != (tc.smtp != "") {
				t.Errorf("MailOn = %v", c.MailOn())
			}
			if len(c.ReminderLeads) != len(tc.leads) {
				t.Fatalf("leads %v, want %v", c.ReminderLeads, tc.leads)
			}
			for i := range tc.leads {
				if c.ReminderLeads[i] != tc.leads[i] {
					t.Errorf("leads %v, want %v", c.ReminderLeads, tc.leads)
				}
			}
		})
	}
}
