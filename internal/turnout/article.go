package turnout

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// Article is a piece that makes the case for an event: a group's write-up, a
// report, an open letter. Each event holds its own copy of the words it
// shows for a URL, so no other event's edit can change them.
type Article struct {
	ID int64
	// PublicID names the article in /articles/{id}: 128 random bits in hex,
	// so the public pages cannot be walked.
	PublicID    string
	URL         string `gorm:"column:url"`
	Title       string
	Summary     string
	Source      string
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// MaxArticles is how many articles one event may link.
const MaxArticles = 30

// ValidArticleID reports whether id has the shape of an Article.PublicID.
func ValidArticleID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, r := range id {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// NewArticleID returns a fresh Article.PublicID.
func NewArticleID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("turnout: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// ArticleInput links an article to an event.
type ArticleInput struct {
	URL     string `json:"url"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Source  string `json:"source"`
}

func (a *ArticleInput) validate(fe FieldErrors, field string) {
	a.URL, a.Title = strings.TrimSpace(a.URL), strings.TrimSpace(a.Title)
	a.Summary, a.Source = strings.TrimSpace(a.Summary), strings.TrimSpace(a.Source)
	if !ValidHTTPURL(a.URL) {
		fe.Add(field+".url", "Enter a full web address starting with http:// or https://.")
	}
	if a.Title == "" {
		fe.Add(field+".title", "Give the article a title.")
	}
	validText(fe, field+".title", a.Title, MaxTitleLen, false)
	validText(fe, field+".summary", a.Summary, MaxSummaryLen, true)
	validText(fe, field+".source", a.Source, MaxShortTextLen, false)
}
