package web

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/activitypub"
	"github.com/turnout-org/turnout/internal/preview"
	"github.com/turnout-org/turnout/internal/turnout"
)

// federation is what the ActivityPub routes need; nil when federation is
// off (TURNOUT_FEDERATION=off or no TURNOUT_SECRET_KEY), and then every
// ActivityPub route answers 404.
type federation struct {
	site   activitypub.Site
	keys   *activitypub.Keys
	client *activitypub.Client
}

// maxInboxBytes caps an inbox POST: activities are small, and a body is
// read before its signature can be checked.
const maxInboxBytes = 256 << 10

// limitInbox is inbox POSTs per client address per minute.
var limitInbox = ratePolicy{"ap-inbox", 300, time.Minute}

// newFederation prepares the ActivityPub side, or returns nil when it is off.
func (s *Server) newFederation() (*federation, error) {
	if !s.cfg.FederationOn() {
		return nil, nil
	}
	keys, err := activitypub.NewKeys(s.cfg.SecretKey)
	if err != nil {
		return nil, err
	}
	site, err := activitypub.NewSite(s.cfg.BaseURL, "en")
	if err != nil {
		return nil, err
	}
	fetcher := preview.Fetcher{AllowPrivate: s.cfg.AllowPrivateFetch}
	return &federation{
		site:   site,
		keys:   keys,
		client: &activitypub.Client{HTTP: fetcher.HTTPClient(), Now: s.now},
	}, nil
}

// wantsActivity reports whether a request asks for ActivityPub JSON, as
// Mastodon does when someone pastes a page's address into its search.
func wantsActivity(c *fiber.Ctx) bool {
	a := c.Get(fiber.HeaderAccept)
	return strings.Contains(a, "application/activity+json") || strings.Contains(a, "application/ld+json")
}

// activityNegotiation serves a page's ActivityPub twin to clients that ask
// for it, and the page to everyone else.
func (s *Server) activityNegotiation(object fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Vary(fiber.HeaderAccept)
		if s.fed == nil || !wantsActivity(c) {
			return c.Next()
		}
		return object(c)
	}
}

// sendActivity writes v as an ActivityPub document.
func sendActivity(c *fiber.Ctx, v any) error {
	b, err := activitypub.Marshal(v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, activitypub.ContentType+"; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "max-age=60")
	return c.Send(b)
}

// federatedGroup finds a group that federates, or answers 404.
func (s *Server) federatedGroup(ctx context.Context, slug string) (*turnout.Group, error) {
	if s.fed == nil {
		return nil, turnout.Errorf(turnout.ENOTFOUND, "Not found.")
	}
	g, err := s.store.FindGroupBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	on, err := s.store.FederationOn(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	if !on {
		return nil, turnout.Errorf(turnout.ENOTFOUND, "Group not found.")
	}
	return g, nil
}

// actorKey returns an actor's stored key, making it on first use.
func (s *Server) actorKey(ctx context.Context, owner string) (*turnout.ActorKey, error) {
	return s.store.ActorKey(ctx, owner, s.fed.keys.New)
}

// webfinger is GET /.well-known/webfinger?resource=acct:GROUP@HOST (or the
// actor's URL): it points at the group's actor.
func (s *Server) webfinger(c *fiber.Ctx) error {
	if s.fed == nil {
		return turnout.Errorf(turnout.ENOTFOUND, "Not found.")
	}
	res := c.Query("resource")
	var slug string
	switch {
	case strings.HasPrefix(res, "acct:"):
		user, host, ok := strings.Cut(strings.TrimPrefix(res, "acct:"), "@")
		if !ok || !strings.EqualFold(host, s.fed.site.Host) {
			return turnout.Errorf(turnout.ENOTFOUND, "No such account here.")
		}
		slug = strings.ToLower(user)
	case strings.HasPrefix(res, s.fed.site.Base+"/ap/groups/"):
		slug = strings.TrimPrefix(res, s.fed.site.Base+"/ap/groups/")
	case strings.HasPrefix(res, s.fed.site.Base+"/groups/"):
		slug = strings.TrimPrefix(res, s.fed.site.Base+"/groups/")
	case res == "":
		return turnout.Errorf(turnout.EMALFORMED, "Give the account to look up as ?resource=acct:group@%s.", s.fed.site.Host)
	default:
		return turnout.Errorf(turnout.ENOTFOUND, "No such account here.")
	}
	if slug == s.fed.site.Host {
		return s.sendJRD(c, s.fed.site.Host, s.fed.site.InstanceActorURL(), s.fed.site.Base+"/")
	}
	g, err := s.federatedGroup(c.UserContext(), slug)
	if err != nil {
		return err
	}
	return s.sendJRD(c, g.Slug, s.fed.site.GroupActorURL(g.Slug), s.cfg.BaseURL+"/groups/"+g.Slug)
}

type jrdLink struct {
	Rel  string `json:"rel"`
	Type string `json:"type,omitempty"`
	Href string `json:"href"`
}

type jrd struct {
	Subject string    `json:"subject"`
	Aliases []string  `json:"aliases"`
	Links   []jrdLink `json:"links"`
}

func (s *Server) sendJRD(c *fiber.Ctx, user, actor, page string) error {
	c.Set(fiber.HeaderContentType, "application/jrd+json; charset=utf-8")
	c.Set("Access-Control-Allow-Origin", "*")
	return c.JSON(jrd{
		Subject: "acct:" + user + "@" + s.fed.site.Host,
		Aliases: []string{actor, page},
		Links: []jrdLink{
			{Rel: "self", Type: activitypub.ContentType, Href: actor},
			{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: page},
		},
	}, "application/jrd+json; charset=utf-8")
}

// nodeinfoIndex is GET /.well-known/nodeinfo: where NodeInfo 2.1 is, and
// the instance actor (FEP-2677), which Mobilizon looks up there.
func (s *Server) nodeinfoIndex(c *fiber.Ctx) error {
	if s.fed == nil {
		return turnout.Errorf(turnout.ENOTFOUND, "Not found.")
	}
	return c.JSON(nodeInfoIndex{Links: []jrdLink{
		{Rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", Href: s.cfg.BaseURL + "/nodeinfo/2.1"},
		{Rel: "https://www.w3.org/ns/activitystreams#Application", Href: s.fed.site.InstanceActorURL()},
	}})
}

// nodeInfoIndex is /.well-known/nodeinfo: links to the documents.
type nodeInfoIndex struct {
	Links []jrdLink `json:"links"`
}

// nodeInfo is a NodeInfo 2.1 document.
type nodeInfo struct {
	Version           string           `json:"version"`
	Software          nodeInfoSoftware `json:"software"`
	Protocols         []string         `json:"protocols"`
	Services          nodeInfoServices `json:"services"`
	OpenRegistrations bool             `json:"openRegistrations"`
	Usage             nodeInfoUsage    `json:"usage"`
	Metadata          nodeInfoMetadata `json:"metadata"`
}

type nodeInfoSoftware struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository"`
}

type nodeInfoServices struct {
	Inbound  []string `json:"inbound"`
	Outbound []string `json:"outbound"`
}

type nodeInfoUsage struct {
	Users struct {
		Total int `json:"total"`
	} `json:"users"`
}

type nodeInfoMetadata struct {
	NodeName string `json:"nodeName"`
}

// nodeinfo is GET /nodeinfo/2.1. Usage counts groups, not people: who
// organises is not the fediverse's business.
func (s *Server) nodeinfo(c *fiber.Ctx) error {
	if s.fed == nil {
		return turnout.Errorf(turnout.ENOTFOUND, "Not found.")
	}
	groups, err := s.store.FindGroups(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"`)
	info := nodeInfo{
		Version:           "2.1",
		Software:          nodeInfoSoftware{Name: "turnout", Version: "1.0", Repository: "https://github.com/turnout-org/turnout"},
		Protocols:         []string{"activitypub"},
		Services:          nodeInfoServices{Inbound: []string{}, Outbound: []string{"atom1.0"}},
		OpenRegistrations: s.cfg.OpenSignup,
		Metadata:          nodeInfoMetadata{NodeName: s.fed.site.Host},
	}
	info.Usage.Users.Total = len(groups)
	return c.JSON(info, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"`)
}

// instanceActor is GET /ap/actor, the instance's Application actor.
func (s *Server) instanceActor(c *fiber.Ctx) error {
	if s.fed == nil {
		return turnout.Errorf(turnout.ENOTFOUND, "Not found.")
	}
	k, err := s.actorKey(c.UserContext(), turnout.InstanceKeyOwner)
	if err != nil {
		return err
	}
	return sendActivity(c, s.fed.site.InstanceActor(k.PublicPEM))
}

// groupActor is GET /ap/groups/{group} (and /groups/{group} asked for as
// ActivityPub).
func (s *Server) groupActor(c *fiber.Ctx) error {
	ctx := c.UserContext()
	g, err := s.federatedGroup(ctx, c.Params("group"))
	if err != nil {
		return err
	}
	k, err := s.actorKey(ctx, turnout.GroupKeyOwner(g.ID))
	if err != nil {
		return err
	}
	return sendActivity(c, s.fed.site.GroupActor(g, k.PublicPEM))
}

// groupFollowers is GET /ap/groups/{group}/followers: the count only, never
// who follows.
func (s *Server) groupFollowers(c *fiber.Ctx) error {
	ctx := c.UserContext()
	g, err := s.federatedGroup(ctx, c.Params("group"))
	if err != nil {
		return err
	}
	n, err := s.store.CountFollowers(ctx, g.ID)
	if err != nil {
		return err
	}
	id := s.fed.site.GroupActorURL(g.Slug) + "/followers"
	return sendActivity(c, &activitypub.Collection{Context: "https://www.w3.org/ns/activitystreams", ID: id, Type: "OrderedCollection", TotalItems: n})
}

// outboxSize is how many recent events a group's outbox lists.
const outboxSize = 20

// groupOutbox is GET /ap/groups/{group}/outbox: Creates of the group's
// upcoming listed events, soonest first.
func (s *Server) groupOutbox(c *fiber.Ctx) error {
	ctx := c.UserContext()
	g, err := s.federatedGroup(ctx, c.Params("group"))
	if err != nil {
		return err
	}
	events, _, err := s.store.FindEvents(ctx, turnout.EventFilter{GroupSlug: g.Slug, EndsAfter: s.now(), Limit: outboxSize})
	if err != nil {
		return err
	}
	items := make([]any, len(events))
	for i, e := range events {
		e.Group = g
		a := &turnout.Announcement{Kind: turnout.ActivityCreate, EventID: e.ID, GroupID: g.ID, EventUID: e.UID, Group: g, Event: e}
		act := s.fed.site.Announce(a, g.Slug, e.UpdatedAt)
		act.Context = nil
		items[i] = act
	}
	id := s.fed.site.GroupActorURL(g.Slug) + "/outbox"
	return sendActivity(c, &activitypub.Collection{Context: "https://www.w3.org/ns/activitystreams", ID: id,
		Type: "OrderedCollection", TotalItems: len(items), OrderedItems: items})
}

// eventObject is GET /ap/events/{uid} (and /events/{slug} asked for as
// ActivityPub).
func (s *Server) eventObject(c *fiber.Ctx) error {
	if s.fed == nil {
		return turnout.Errorf(turnout.ENOTFOUND, "Not found.")
	}
	ctx := c.UserContext()
	var e *turnout.Event
	var err error
	if uid := c.Params("uid"); uid != "" {
		e, err = s.store.FindEventByUID(ctx, uid)
	} else if e, err = s.store.FindEventBySlug(ctx, c.Params("slug")); err == nil && !e.Listed() {
		err = turnout.Errorf(turnout.ENOTFOUND, "Event not found.")
	}
	if err != nil {
		return err
	}
	if on, err := s.store.FederationOn(ctx, e.GroupID); err != nil {
		return err
	} else if !on {
		return turnout.Errorf(turnout.ENOTFOUND, "Event not found.")
	}
	return sendActivity(c, s.fed.site.Event(e))
}

// errInbox is the 4xx an inbox POST gets, with what was wrong.
func errInbox(code, msg string) error { return turnout.Errorf(code, "%s", msg) }

// inbox takes a signed activity: POST /ap/groups/{group}/inbox, the shared
// /ap/inbox and the instance actor's inbox. Nothing is stored unless the
// signature verifies with the key of the actor the activity names.
func (s *Server) inbox(c *fiber.Ctx) error {
	if s.fed == nil {
		return turnout.Errorf(turnout.ENOTFOUND, "Not found.")
	}
	body := c.Body()
	if len(body) > maxInboxBytes {
		return errInbox(turnout.ETOOLARGE, "The activity is larger than this inbox takes.")
	}
	if over, err := s.hitLimit(c, limitInbox, clientKey(c)); err != nil {
		return err
	} else if over {
		return errInbox(turnout.ERATELIMITED, "Too many deliveries from your server. Please try again later.")
	}
	var act struct {
		ID     string          `json:"id"`
		Type   string          `json:"type"`
		Actor  string          `json:"actor"`
		Object json.RawMessage `json:"object"`
	}
	if err := json.Unmarshal(body, &act); err != nil || act.Type == "" || act.Actor == "" {
		return errInbox(turnout.EMALFORMED, "The body is not an ActivityPub activity.")
	}
	in := activitypub.Incoming{Method: c.Method(), Target: string(c.Request().RequestURI()), Body: body,
		Header: func(name string) string {
			if strings.EqualFold(name, "host") {
				return string(c.Request().Host())
			}
			return c.Get(name)
		}}
	actor, err := s.verifiedActor(c.UserContext(), in, act.Actor)
	if err != nil {
		return err
	}
	return s.handleActivity(c, actor, act.Type, act.Object, body)
}

// verifiedActor checks the request's signature with the key of the actor
// that signed it, and that this actor is the one the activity names.
func (s *Server) verifiedActor(ctx context.Context, in activitypub.Incoming, actorID string) (*activitypub.RemoteActor, error) {
	keyID, err := activitypub.SignatureKeyID(in)
	if err != nil {
		return nil, errInbox(turnout.EUNAUTHORIZED, "Sign the request with an HTTP Signature.")
	}
	if activitypub.SameHost(keyID, actorID) == "" {
		return nil, errInbox(turnout.EUNAUTHORIZED, "The signing key is not the actor's.")
	}
	// Checks that need no key first: they cost no fetch.
	if _, err := activitypub.Precheck(in, s.now()); errors.Is(err, activitypub.ErrStaleDate) {
		return nil, errInbox(turnout.EUNAUTHORIZED, "The Date header is missing or too far from now.")
	} else if errors.Is(err, activitypub.ErrBadDigest) {
		return nil, errInbox(turnout.EMALFORMED, "The Digest header does not match the body.")
	} else if err != nil {
		return nil, errInbox(turnout.EUNAUTHORIZED, "The signature must cover (request-target), host, date and digest with rsa-sha256.")
	}
	k, err := s.actorKey(ctx, turnout.InstanceKeyOwner)
	if err != nil {
		return nil, err
	}
	priv, err := s.fed.keys.Open(k)
	if err != nil {
		return nil, err
	}
	actor, err := s.fed.client.FetchActor(ctx, keyID, activitypub.Signer{KeyID: activitypub.KeyID(s.fed.site.InstanceActorURL()), Key: priv})
	if err != nil {
		s.log.Info("activitypub: unknown actor", "key", keyID, "err", err)
		return nil, errInbox(turnout.EUNAUTHORIZED, "The actor that signed this could not be fetched.")
	}
	if actor.ID != actorID || (actor.PublicKey.ID != "" && actor.PublicKey.ID != keyID) {
		return nil, errInbox(turnout.EUNAUTHORIZED, "The signing key is not the actor's.")
	}
	pub, err := activitypub.ParsePublicKey(actor.PublicKey.PublicKeyPem)
	if err != nil {
		return nil, errInbox(turnout.EUNAUTHORIZED, "The actor's public key cannot be read.")
	}
	if err := activitypub.Verify(in, pub, s.now()); err != nil {
		return nil, errInbox(turnout.EUNAUTHORIZED, "The signature does not verify.")
	}
	return actor, nil
}

// handleActivity acts on a verified activity: Follow and Undo{Follow} of a
// group; everything else is acknowledged, logged and dropped.
func (s *Server) handleActivity(c *fiber.Ctx, actor *activitypub.RemoteActor, kind string, object json.RawMessage, body []byte) error {
	ctx := c.UserContext()
	switch kind {
	case "Follow":
		g, err := s.followedGroup(ctx, object)
		if err != nil {
			return err
		}
		if err := s.refuseBlocked(ctx, g.ID, actor.ID); err != nil {
			return err
		}
		f := &turnout.Follower{GroupID: g.ID, ActorID: actor.ID, Inbox: actor.Inbox, SharedInbox: actor.Endpoints.SharedInbox, Domain: activitypub.Domain(actor.ID)}
		if err := s.store.AddFollower(ctx, f); err != nil {
			return err
		}
		var follow map[string]any
		if err := json.Unmarshal(body, &follow); err != nil {
			return errInbox(turnout.EMALFORMED, "The body is not an ActivityPub activity.")
		}
		delete(follow, "@context")
		accept, err := activitypub.Marshal(s.fed.site.Accept(g.Slug, follow))
		if err != nil {
			return err
		}
		if err := s.store.QueueDelivery(ctx, &turnout.Delivery{GroupID: g.ID, Inbox: actor.Inbox, Body: accept}, s.now()); err != nil {
			return err
		}
	case "Undo":
		var inner struct {
			Type   string          `json:"type"`
			Object json.RawMessage `json:"object"`
		}
		if err := json.Unmarshal(object, &inner); err != nil || inner.Type != "Follow" {
			s.log.Info("activitypub: ignored Undo", "actor", actor.ID)
			break
		}
		g, err := s.followedGroup(ctx, inner.Object)
		if err != nil {
			return err
		}
		if err := s.store.RemoveFollower(ctx, g.ID, actor.ID); err != nil {
			return err
		}
	default:
		s.log.Info("activitypub: ignored activity", "type", kind, "actor", actor.ID)
	}
	return c.SendStatus(fiber.StatusAccepted)
}

// followedGroup finds the local group an activity's object names: its actor
// id, or its page.
func (s *Server) followedGroup(ctx context.Context, object json.RawMessage) (*turnout.Group, error) {
	var id string
	if err := json.Unmarshal(object, &id); err != nil {
		var o struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(object, &o) != nil {
			return nil, errInbox(turnout.EMALFORMED, "The activity's object is not a group here.")
		}
		id = o.ID
	}
	for _, prefix := range []string{s.fed.site.Base + "/ap/groups/", s.fed.site.Base + "/groups/"} {
		if slug, ok := strings.CutPrefix(id, prefix); ok && !strings.Contains(slug, "/") {
			return s.federatedGroup(ctx, slug)
		}
	}
	return nil, errInbox(turnout.ENOTFOUND, "The activity's object is not a group here.")
}

// refuseBlocked answers 403 to an actor on a domain the group blocked.
func (s *Server) refuseBlocked(ctx context.Context, groupID int64, actorID string) error {
	blocked, err := s.store.DomainBlocked(ctx, groupID, activitypub.Domain(actorID))
	if err != nil {
		return err
	}
	if blocked {
		return errInbox(turnout.EFORBIDDEN, "This group does not take follows from your server.")
	}
	return nil
}
