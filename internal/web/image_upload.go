package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/turnout-org/turnout/internal/picture"
	"github.com/turnout-org/turnout/internal/turnout"
)

// uploadLimit is the largest request body an image upload route reads: the
// largest picture plus room for the multipart envelope and the alt text.
const uploadLimit = turnout.MaxImageBytes + 64<<10

// apiImage is the JSON form of a picture: its full-size file and alt text.
type apiImage struct {
	URL    string `json:"url"`
	Alt    string `json:"alt"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// apiImageCreated is the answer to an upload.
type apiImageCreated struct {
	Image *apiImage `json:"image"`
}

func (s *Server) toAPIImage(im *turnout.Image) *apiImage {
	if im == nil {
		return nil
	}
	return &apiImage{URL: s.cfg.BaseURL + im.Largest().Path(), Alt: im.Alt, Width: im.Width(), Height: im.Height()}
}

// readImageUpload reads the multipart fields image and alt, checks the alt
// text and re-encodes the picture. Nothing is stored.
func readImageUpload(c *fiber.Ctx) (turnout.ImageInput, error) {
	alt, altErr := turnout.ValidateImageAlt(c.FormValue("alt"))
	fields := turnout.ErrorFields(altErr)
	if fields == nil {
		fields = map[string]string{}
	}
	var files []turnout.ImageFile
	fh, err := c.FormFile("image")
	if err != nil {
		fields["image"] = "Choose a picture to upload."
	} else if f, err := fh.Open(); err != nil {
		fields["image"] = "Choose a picture to upload."
	} else {
		data, rerr := picture.ReadLimited(f)
		_ = f.Close()
		if rerr != nil {
			return turnout.ImageInput{}, turnout.Errorf(turnout.EMALFORMED, "The upload could not be read.")
		}
		files, err = picture.Process(data)
		if turnout.ErrorCode(err) == turnout.ETOOLARGE {
			return turnout.ImageInput{}, err
		}
		if err != nil {
			fields["image"] = turnout.ErrorFields(err)["image"]
		}
	}
	if len(fields) > 0 {
		return turnout.ImageInput{}, &turnout.Error{Code: turnout.EINVALID, Message: "The picture was not saved.", Fields: fields}
	}
	return turnout.ImageInput{Alt: alt, Files: files}, nil
}

// apiSetEventImage is POST /api/v1/events/{slug}/image (multipart: image, alt).
func (s *Server) apiSetEventImage(c *fiber.Ctx) error {
	_, e, err := s.apiEvent(c)
	if err != nil {
		return err
	}
	in, err := readImageUpload(c)
	if err != nil {
		return err
	}
	im, err := s.store.SetEventImage(c.UserContext(), e.ID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(apiImageCreated{Image: s.toAPIImage(im)})
}

// apiDeleteEventImage is DELETE /api/v1/events/{slug}/image.
func (s *Server) apiDeleteEventImage(c *fiber.Ctx) error {
	_, e, err := s.apiEvent(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteEventImage(c.UserContext(), e.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiGroupOf returns the route's group if the bearer token's account
// organises it.
func (s *Server) apiGroupOf(c *fiber.Ctx) (*turnout.Group, error) {
	acct, err := s.bearerAccount(c)
	if err != nil {
		return nil, err
	}
	g, err := s.store.FindGroupBySlug(c.UserContext(), c.Params("group"))
	if err != nil {
		return nil, err
	}
	if _, err := s.requireRole(c, acct, g.ID); err != nil {
		return nil, err
	}
	return g, nil
}

// apiSetGroupImage is POST /api/v1/groups/{group}/image (multipart: image, alt).
func (s *Server) apiSetGroupImage(c *fiber.Ctx) error {
	g, err := s.apiGroupOf(c)
	if err != nil {
		return err
	}
	in, err := readImageUpload(c)
	if err != nil {
		return err
	}
	im, err := s.store.SetGroupImage(c.UserContext(), g.ID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(apiImageCreated{Image: s.toAPIImage(im)})
}

// apiDeleteGroupImage is DELETE /api/v1/groups/{group}/image.
func (s *Server) apiDeleteGroupImage(c *fiber.Ctx) error {
	g, err := s.apiGroupOf(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteGroupImage(c.UserContext(), g.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// setEventImage is POST /events/{slug}/image from the edit page.
func (s *Server) setEventImage(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	in, err := readImageUpload(c)
	if err == nil {
		_, err = s.store.SetEventImage(c.UserContext(), e.ID, in)
	}
	if err != nil {
		return s.formFailure(c, err, "pages/event_form", s.eventFormData(e.Group, e, eventFormOf(e), nil))
	}
	return s.redirectFlash(c, "/events/"+e.Slug+"/edit", "Picture saved.")
}

// deleteEventImage is POST /events/{slug}/image/delete.
func (s *Server) deleteEventImage(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteEventImage(c.UserContext(), e.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/events/"+e.Slug+"/edit", "Picture removed.")
}

// setGroupImage is POST /groups/{group}/image from the settings page.
func (s *Server) setGroupImage(c *fiber.Ctx) error {
	_, g, m, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	in, err := readImageUpload(c)
	if err == nil {
		_, err = s.store.SetGroupImage(c.UserContext(), g.ID, in)
	}
	if err != nil {
		return s.formFailure(c, err, "pages/group_settings", s.settingsData(g, groupFormOf(g), m))
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/settings", "Picture saved.")
}

// deleteGroupImage is POST /groups/{group}/image/delete.
func (s *Server) deleteGroupImage(c *fiber.Ctx) error {
	_, g, _, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteGroupImage(c.UserContext(), g.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/settings", "Picture removed.")
}

func groupFormOf(g *turnout.Group) groupForm {
	return groupForm{Name: g.Name, Description: g.Description, Website: g.Website, Timezone: g.Timezone, ContactEmail: g.ContactEmail}
}

// uploadBodyLimit lets the picture upload routes read bodies of up to
// uploadLimit; every other request keeps TURNOUT_BODY_LIMIT, refused with 413
// from its headers before its body is read. It is the server's
// HeaderReceived hook, so it sees only the request line and headers.
func uploadBodyLimit(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if string(h.Method()) != fiber.MethodPost {
		return fasthttp.RequestConfig{}
	}
	path, _, _ := strings.Cut(string(h.RequestURI()), "?")
	if !isImageUploadPath(path) {
		return fasthttp.RequestConfig{}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: uploadLimit}
}

// isImageUploadPath reports whether path is one of the upload routes:
// /events/{slug}/image, /groups/{group}/image and their API forms.
func isImageUploadPath(path string) bool {
	path = strings.TrimPrefix(path, "/api/v1")
	parts := strings.Split(path, "/")
	return len(parts) == 4 && parts[0] == "" && (parts[1] == "events" || parts[1] == "groups") && parts[3] == "image"
}
