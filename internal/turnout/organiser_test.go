package turnout

import (
	"strings"
	"testing"
)

func TestSignupInputValidate(t *testing.T) {
	ok := SignupInput{Email: " Ada@Example.org ", Name: "Ada", Password: "long enough pw", GroupName: "Riverside Action", Timezone: "Europe/London"}
	if err := ok.Validate(); err != nil || ok.Email != "ada@example.org" {
		t.Fatalf("valid input: %v, email %q", err, ok.Email)
	}
	tests := []struct {
		name, field string
		mutate      func(*SignupInput)
	}{
		{"ErrEmail", "email", func(in *SignupInput) { in.Email = "not an email" }},
		{"ErrName", "name", func(in *SignupInput) { in.Name = " " }},
		{"ErrNameControl", "name", func(in *SignupInput) { in.Name = "A\x00da" }},
		{"ErrPasswordShort", "password", func(in *SignupInput) { in.Password = "123456789" }},
		{"ErrGroupName", "group_name", func(in *SignupInput) { in.GroupName = "" }},
		{"ErrGroupNameNoSlug", "group_name", func(in *SignupInput) { in.GroupName = "!!!" }},
		{"ErrZone", "timezone", func(in *SignupInput) { in.Timezone = "Local" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := SignupInput{Email: "ada@example.org", Name: "Ada", Password: "long enough pw", GroupName: "Riverside", Timezone: "UTC"}
			tc.mutate(&in)
			if _, bad := ErrorFields(in.Validate())[tc.field]; !bad {
				t.Fatalf("no error on %s", tc.field)
			}
		})
	}
}

func TestValidateTokenName(t *testing.T) {
	if n, err := ValidateTokenName("  "); err != nil || n != "API token" {
		t.Fatalf("empty: %q %v", n, err)
	}
	for _, bad := range []string{"a\nb", "\xff", strings.Repeat("x", 101)} {
		if _, err := ValidateTokenName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
