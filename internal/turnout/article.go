package turnout

import (
	"strings"
	"time"
)

// Article is a piece that makes the case for an event: a group's write-up, a
// report, an open letter. One URL is one article, shared by every event that
// links it.
type Article struct {
	ID          int64      `json:"-"`
	URL         string     `json:"url" gorm:"column:url"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary"`
	Source      string     `json:"source"`
	PublishedAt *time.Time `json:"published_at"`
	CreatedAt   time.Time  `json:"-"`
	UpdatedAt   time.Time  `json:"-"`
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
