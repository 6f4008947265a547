package web

import (
	"context"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// absurdEvents are event bodies that decode but must fail validation, with
// the field each must be refused for.
var absurdEvents = []struct {
	name, body, field string
}{
	{"NegativeCapacity", `{"capacity": -1}`, "capacity"},
	{"ZeroCapacity", `{"capacity": 0}`, "capacity"},
	{"HugeCapacity", `{"capacity": 2000000000}`, "capacity"},
	{"CapacityOverflow", `{"capacity": 1e30}`, "capacity"},
	{"CapacityFraction", `{"capacity": 1.5}`, "capacity"},
	{"CapacityString", `{"capacity": "ten"}`, "capacity"},
	{"NegativeGuests", `{"max_guests": -3}`, "max_guests"},
	{"HugeGuests", `{"max_guests": 1000000}`, "max_guests"},
	{"YearZero", `{"starts_at": "0000-01-01T10:00"}`, "starts_at"},
	{"Year9999", `{"starts_at": "9999-12-31T10:00", "ends_at": "9999-12-31T12:00"}`, "starts_at"},
	{"YearZeroRFC3339", `{"ends_at": "0000-01-01T10:00:00Z"}`, "ends_at"},
	{"EndBeforeStart", `{"starts_at": "2030-05-01T12:00", "ends_at": "2030-05-01T10:00"}`, "ends_at"},
	{"TitleHuge", `{"title": "` + strings.Repeat("t", 10000) + `"}`, "title"},
	{"TitleNUL", `{"title": "a\u0000b"}`, "title"},
	{"TitleRLO", `{"title": "\u202egnp.exe"}`, "title"},
	{"TitleIsolate", `{"title": "x\u2066y"}`, "title"},
	{"TitleNewline", `{"title": "a\nb"}`, "title"},
	{"TitleBlank", `{"title": "   "}`, "title"},
	{"VenueControl", `{"venue": "a\u0007b"}`, "venue"},
	{"DescriptionHuge", `{"description": "` + strings.Repeat("d", 50001) + `"}`, "description"},
	{"KindUnknown", `{"kind": "riot"}`, "kind"},
	{"KindSQL", `{"kind": "march' OR '1'='1"}`, "kind"},
	{"TimezonePath", `{"timezone": "../../../etc/passwd"}`, "timezone"},
	{"TimezoneLocal", `{"timezone": "Local"}`, "timezone"},
	{"OnlineURLJavascript", `{"online_url": "javascript:alert(1)"}`, "online_url"},
	{"OnlineURLData", `{"online_url": "data:text/html,<script>alert(1)</script>"}`, "online_url"},
	{"LatitudeOutOfRange", `{"latitude": 91, "longitude": 0}`, "latitude"},
	{"LatitudeAlone", `{"latitude": 51.5}`, "latitude"},
	{"StatusCancelled", `{"status": "cancelled"}`, "status"},
	{"StatusSQL", `{"status": "published'; --"}`, "status"},
	{"ArticleJavascript", `{"articles": [{"url": "javascript:alert(1)", "title": "x"}]}`, "articles.0.url"},
	{"ArticlesNotList", `{"articles": {"url": "https://example.org"}}`, "articles"},
}

// validEventBody completes an absurd body with the required fields it lacks.
func validEventBody(body string) string {
	base := map[string]string{"title": `"Valid title"`, "starts_at": `"2030-05-01T10:00"`, "ends_at": `"2030-05-01T12:00"`}
	inner := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(body), "{"), "}")
	for k, v := range base {
		if !strings.Contains(body, `"`+k+`"`) {
			inner += `, "` + k + `": ` + v
		}
	}
	return "{" + strings.TrimPrefix(strings.TrimSpace(inner), ",") + "}"
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name, body, code string
	}{
		{"OK", `{"title": "March"}`, ""},
		{"OKWhitespace", " \n{\"title\": \"March\"}\n ", ""},
		{"Empty", ``, turnout.EMALFORMED},
		{"Null", `null`, turnout.EMALFORMED},
		{"Array", `[{"title": "x"}]`, turnout.EMALFORMED},
		{"String", `"title"`, turnout.EMALFORMED},
		{"Truncated", `{"title": "Mar`, turnout.EMALFORMED},
		{"Syntax", `{"title": March}`, turnout.EMALFORMED},
		{"Trailing", `{"title": "a"} {"title": "b"}`, turnout.EMALFORMED},
		{"TrailingGarbage", `{"title": "a"}xyz`, turnout.EMALFORMED},
		{"InvalidUTF8", "{\"title\": \"\xff\xfe\"}", turnout.EMALFORMED},
		{"UnknownField", `{"titel": "typo"}`, turnout.EMALFORMED},
		{"UnknownHugeField", `{"` + strings.Repeat("k", 1000) + `": 1}`, turnout.EMALFORMED},
		{"WrongType", `{"title": 42}`, turnout.EINVALID},
		{"Deep", strings.Repeat(`{"articles": [`, 20000), turnout.EMALFORMED},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in turnout.EventInput
			err := decodeJSONBytes([]byte(tc.body), &in)
			if got := turnout.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q (err %v)", got, tc.code, err)
			}
			if msg := turnout.ErrorMessage(err); err != nil && (strings.Contains(msg, "json:") || len(msg) > 200) {
				t.Errorf("message leaks decoder text or is too long: %q", msg)
			}
		})
	}
}

// TestAbsurdEventValues decodes each absurd body, checks the domain refuses
// it with a message on the right field, and that the store, asked to create
// it, refuses it too and writes nothing, on both databases.
func TestAbsurdEventValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		g, _ := seedGroup(t, st, "absurd")
		for _, tc := range absurdEvents {
			t.Run(tc.name, func(t *testing.T) {
				var in turnout.EventInput
				err := decodeJSONBytes([]byte(validEventBody(tc.body)), &in)
				if err == nil {
					before := storetest.Snapshot(t, st)
					_, err = st.CreateEvent(context.Background(), g.ID, in)
					if after := storetest.Snapshot(t, st); after != before {
						t.Errorf("refused create changed the database")
					}
				}
				if turnout.ErrorCode(err) != turnout.EINVALID {
					t.Fatalf("got %v, want EINVALID", err)
				}
				if msg := turnout.ErrorFields(err)[tc.field]; msg == "" {
					t.Errorf("no message for %q: %v", tc.field, turnout.ErrorFields(err))
				}
			})
		}
	})
}
