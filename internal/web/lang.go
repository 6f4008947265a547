package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"
	"golang.org/x/text/language"

	"github.com/turnout-org/turnout/internal/i18n"
	"github.com/turnout-org/turnout/internal/turnout"
	assets "github.com/turnout-org/turnout/web"
)

// langCookie remembers the language a person picked with ?lang= or the menu.
const langCookie = "lang"

// localChosenLang caches the language a request asked for (query, cookie or
// Accept-Language); an empty tag means it asked for none we ship.
const localChosenLang = "chosen_lang"

// languages holds the catalogue and one template set per language, each
// with its translation and date functions bound to that language.
type languages struct {
	cat   *i18n.Catalogue
	views map[string]*html.Engine
}

// loadLanguages parses the templates once per shipped language (and the
// pseudo-locale when withPseudo is set, for tests).
func loadLanguages(static *staticAssets, withPseudo bool) (*languages, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	ls := &languages{cat: cat, views: map[string]*html.Engine{}}
	tags := append([]language.Tag{}, i18n.Supported...)
	if withPseudo {
		tags = append(tags, i18n.Pseudo)
	}
	for _, tag := range tags {
		engine, err := newViews(static, cat.Localizer(tag))
		if err != nil {
			return nil, err
		}
		ls.views[tag.String()] = engine
	}
	return ls, nil
}

// newViews parses the templates with loc's translation functions.
func newViews(static *staticAssets, loc *i18n.Localizer) (*html.Engine, error) {
	sub, err := fs.Sub(assets.Templates, "templates")
	if err != nil {
		return nil, err
	}
	engine := html.NewFileSystem(http.FS(sub), ".html")
	engine.AddFuncMap(templateFuncs(loc))
	engine.AddFunc("asset", static.url)
	engine.AddFunc("codeSpans", codeSpans)
	if err := engine.Load(); err != nil {
		return nil, err
	}
	return engine, nil
}

// chosenLanguage is the language the request asked for: ?lang= (which also
// sets the cookie), else the cookie, else Accept-Language. ok is false when
// it asked for nothing we ship.
func (s *Server) chosenLanguage(c *fiber.Ctx) (tag language.Tag, ok bool) {
	if v, set := c.Locals(localChosenLang).(language.Tag); set {
		return v, v != language.Und
	}
	tag = language.Und
	q := c.Query("lang")
	switch {
	case s.pseudo && q == i18n.Pseudo.String():
		tag = i18n.Pseudo
	case i18n.IsSupported(q):
		tag = language.MustParse(q)
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			Expires: s.now().Add(365 * 24 * time.Hour), HTTPOnly: true, Secure: s.cfg.SecureCookies(), SameSite: fiber.CookieSameSiteLaxMode})
	case i18n.IsSupported(c.Cookies(langCookie)):
		tag = language.MustParse(c.Cookies(langCookie))
	default:
		if h := c.Get(fiber.HeaderAcceptLanguage); h != "" {
			tag = i18n.Match(language.Und, h)
		}
	}
	c.Locals(localChosenLang, tag)
	return tag, tag != language.Und
}

// language is the language of the response: the one asked for, else the
// group's default language on its group and event pages, else
// TURNOUT_DEFAULT_LANGUAGE.
func (s *Server) language(c *fiber.Ctx, g *turnout.Group) language.Tag {
	if tag, ok := s.chosenLanguage(c); ok {
		return tag
	}
	if g != nil && i18n.IsSupported(g.Language) {
		return language.MustParse(g.Language)
	}
	if i18n.IsSupported(s.cfg.DefaultLanguage) {
		return language.MustParse(s.cfg.DefaultLanguage)
	}
	return language.English
}

// groupPages are the pages that take their group's default language when
// the person asked for none.
var groupPages = map[string]bool{"pages/group": true, "pages/event": true, "pages/article": true,
	"pages/rsvp_done": true, "pages/rsvp_manage": true, "pages/rsvp_confirm": true, "pages/rsvp_cancelled": true}

// pageGroup is the group whose default language page may take, or nil.
func pageGroup(page string, data fiber.Map) *turnout.Group {
	if !groupPages[page] {
		return nil
	}
	if g, ok := data["Group"].(*turnout.Group); ok && g != nil {
		return g
	}
	if e, ok := data["Event"].(*turnout.Event); ok && e != nil {
		return e.Group
	}
	return nil
}

// langLink is one entry of the language menu and one hreflang alternate.
type langLink struct {
	Code, Name, URL string
	Current         bool
}

// languageLinks are the current page in every shipped language; on a form
// re-rendered after a POST they lead to path instead, the page's address;
// fixed, when set, replaces both (error pages: a hidden resource's page must
// not differ from a missing one's by its address).
func (s *Server) languageLinks(c *fiber.Ctx, current language.Tag, path, fixed string) []langLink {
	args := fiber.AcquireArgs()
	defer fiber.ReleaseArgs(args)
	switch {
	case fixed != "":
		path = fixed
	case c.Method() == fiber.MethodGet:
		path = c.Path()
		c.Request().URI().QueryArgs().CopyTo(args)
	case path == "":
		path = "/"
	}
	out := make([]langLink, 0, len(i18n.Supported))
	for _, t := range i18n.Supported {
		args.Set("lang", t.String())
		out = append(out, langLink{Code: t.String(), Name: i18n.Name(t), URL: path + "?" + string(args.QueryString()), Current: t == current})
	}
	return out
}

// renderPage executes page in the main layout, in the response's language.
func (s *Server) renderPage(c *fiber.Ctx, page string, data fiber.Map) error {
	tag := s.language(c, pageGroup(page, data))
	path, _ := data["Path"].(string)
	fixed, _ := data["LangPath"].(string)
	data["Lang"], data["Languages"] = tag.String(), s.languageLinks(c, tag, path, fixed)
	loc := s.langs.cat.Localizer(tag)
	data["Dir"] = loc.Dir()
	translateData(loc, data)
	data["BaseURL"], data["Alternates"] = s.cfg.BaseURL, c.Method() == fiber.MethodGet && fixed == "" && publicPage(c.Path())
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	var buf bytes.Buffer
	if err := s.langs.views[tag.String()].Render(&buf, page, data, "layouts/main"); err != nil {
		return err
	}
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// textEscaper escapes a message for HTML text; in an attribute html/template
// escapes quotes of HTML-typed values itself.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// publicPage reports whether path is a page that search engines may list
// in every language; private pages (an RSVP's token in the address) and
// organiser pages get no hreflang alternates.
func publicPage(path string) bool {
	return path == "/" || strings.HasPrefix(path, "/articles/") ||
		(strings.HasPrefix(path, "/events/") || strings.HasPrefix(path, "/groups/")) && !organiserPath(path)
}

// langFuncs are the template functions bound to loc's language.
func langFuncs(m template.FuncMap, loc *i18n.Localizer) {
	// Messages are text: escaped here, but for the apostrophe, which text
	// between tags and inside double-quoted attributes takes as it is.
	m["t"] = func(id string, args ...any) template.HTML {
		return template.HTML(textEscaper.Replace(loc.T(id, args...))) //nolint:gosec // escaped
	}
	m["tn"] = func(id string, n int, args ...any) template.HTML {
		return template.HTML(textEscaper.Replace(loc.N(id, n, args...))) //nolint:gosec // escaped
	}
	m["th"] = loc.HTML
	m["tx"] = func(text string) string { return translateText(loc, text) }
	m["eventLink"] = eventLink
	m["apiLink"] = func() template.HTML {
		return template.HTML(`<a href="/api/docs">` + textEscaper.Replace(loc.T("TurnoutAPI")) + `</a>`)
	} //nolint:gosec // escaped
	m["groupLink"] = groupLink
	m["kindLabel"] = func(kind string) string { return kindLabelIn(loc, kind) }
}

// languageChoice is one option of the group's language select.
type languageChoice struct{ Code, Name string }

// languageChoices are the shipped languages, each named in itself.
func languageChoices() []languageChoice {
	out := make([]languageChoice, 0, len(i18n.Supported))
	for _, t := range i18n.Supported {
		out = append(out, languageChoice{t.String(), i18n.Name(t)})
	}
	return out
}
