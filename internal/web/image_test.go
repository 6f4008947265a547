package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/picture/picturetest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// multipartBody is a multipart form with an image file (when data is not
// nil) and the other fields.
func multipartBody(t testing.TB, filename string, data []byte, fields map[string]string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if data != nil {
		fw, err := w.CreateFormFile("image", filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &buf
}

// uploadRequest is an API upload of data as the image with alt text.
func uploadRequest(t testing.TB, path, token, filename string, data []byte, alt string) *http.Request {
	ctype, body := multipartBody(t, filename, data, map[string]string{"alt": alt})
	req := httptest.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// testPNG is a small opaque PNG, for uploads that only need a picture.
func testPNG(t testing.TB) []byte { return picturetest.PNG(t, picturetest.Gradient(64, 32)) }

// TestEventImageUploadStripsMetadata uploads a phone photo carrying EXIF
// GPS and a camera serial through the API, on both databases, and follows
// it everywhere it shows: the 201 answer, every file served (no EXIF, no
// serial, immutable caching, the hash in the URL names the bytes), the
// event page (srcset, width and height), the list card (lazy) and the API.
func TestEventImageUploadStripsMetadata(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, token := seedGroup(t, st, "riverside")
		e := seedEvent(t, st, g.ID, "Vigil", 48*time.Hour, nil)
		// Pages seen before the upload (kept in memory) must show it after.
		// (The first request of a URL learns its scopes, the second is kept.)
		for range 2 {
			do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
			do(t, app, httptest.NewRequest("GET", "/", nil))
		}
		photo := picturetest.PhoneJPEG(t, 2000, 1500, 1)
		resp, body := do(t, app, uploadRequest(t, "/api/v1/events/"+e.Slug+"/image", token, "IMG_0001.jpg", photo, "Candles on the town hall steps"))
		if resp.StatusCode != 201 {
			t.Fatalf("upload: %d %s", resp.StatusCode, body)
		}
		var created struct {
			Image apiImage `json:"image"`
		}
		if err := json.Unmarshal([]byte(body), &created); err != nil {
			t.Fatal(err)
		}
		if created.Image.Alt != "Candles on the town hall steps" || created.Image.Width != 1600 || created.Image.Height != 1200 ||
			!strings.HasPrefix(created.Image.URL, "http://turnout.test/images/") {
			t.Fatalf("created %+v", created.Image)
		}

		_, page := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		img := regexp.MustCompile(`<img class="event-picture" src="(/images/[0-9a-f]{32}\.jpg)" srcset="([^"]+)"[^>]* width="1600" height="1200" alt="Candles on the town hall steps"`).FindStringSubmatch(page)
		if img == nil {
			t.Fatalf("event page lacks the picture: %s", page)
		}
		srcs := regexp.MustCompile(`(/images/[0-9a-f]{32}\.jpg) (\d+)w`).FindAllStringSubmatch(img[2], -1)
		if len(srcs) != 4 {
			t.Fatalf("srcset %q, want 4 widths", img[2])
		}
		for _, s := range srcs {
			resp, data := do(t, app, httptest.NewRequest("GET", s[1], nil))
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || resp.Header.Get("Cache-Control") != immutable {
				t.Fatalf("%s: %d %s %q", s[1], resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
			}
			if _, ok := picturetest.ReadEXIF(t, []byte(data)); ok {
				t.Errorf("%s: EXIF survived", s[1])
			}
			for _, seg := range picturetest.Segments(t, []byte(data)) {
				if (seg.Marker >= 0xE0 && seg.Marker <= 0xEF) || seg.Marker == 0xFE {
					t.Errorf("%s: metadata segment %#x survived", s[1], seg.Marker)
				}
			}
			if strings.Contains(data, picturetest.Serial) {
				t.Errorf("%s: the camera serial survived", s[1])
			}
			cfg, _, err := image.DecodeConfig(strings.NewReader(data))
			if err != nil || "/images/"+hashOf(data)+".jpg" != s[1] || s[2] != itoa(cfg.Width) {
				t.Errorf("%s: %dx%d (%v) does not match its URL and srcset width %s", s[1], cfg.Width, cfg.Height, err, s[2])
			}
			req := httptest.NewRequest("GET", s[1], nil)
			req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
			if resp, _ := do(t, app, req); resp.StatusCode != 304 {
				t.Errorf("%s revalidated: %d, want 304", s[1], resp.StatusCode)
			}
		}
		if img[1] != srcs[0][1] {
			t.Errorf("src is %s, want the narrowest file %s for phones", img[1], srcs[0][1])
		}

		_, home := do(t, app, httptest.NewRequest("GET", "/", nil))
		if !regexp.MustCompile(`<img class="card-picture" src="/images/[0-9a-f]{32}\.jpg" srcset="[^"]+" sizes="[^"]+" width="320" height="240" alt="Candles on the town hall steps" loading="lazy"`).MatchString(home) {
			t.Errorf("the list card lacks a lazy, sized picture: %s", home)
		}
		_, api := do(t, app, httptest.NewRequest("GET", "/api/v1/events/"+e.Slug, nil))
		if !strings.Contains(api, `"image":{"url":"`+created.Image.URL+`","alt":"Candles on the town hall steps","width":1600,"height":1200}`) {
			t.Errorf("API event lacks the image: %s", api)
		}
		for _, p := range []string{"/images/" + strings.Repeat("0", 32) + ".jpg", "/images/../../etc/passwd", "/images/" + hashOf("x") + ".png"} {
			if resp, _ := do(t, app, httptest.NewRequest("GET", p, nil)); resp.StatusCode != 404 {
				t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
			}
		}

		resp, _ = do(t, app, apiRequest("DELETE", "/api/v1/events/"+e.Slug+"/image", token, ""))
		if resp.StatusCode != 204 {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if resp, _ := do(t, app, httptest.NewRequest("GET", srcs[0][1], nil)); resp.StatusCode != 404 {
			t.Errorf("a removed picture is still served: %d", resp.StatusCode)
		}
	})
}

// TestImageUploadRefused sends what must not be stored: each gets a clear
// 4xx naming the field, and the database is unchanged.
func TestImageUploadRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, token := seedGroup(t, st, "riverside")
		e := seedEvent(t, st, g.ID, "Vigil", 48*time.Hour, nil)
		path := "/api/v1/events/" + e.Slug + "/image"
		for _, tc := range []struct {
			name, filename, alt string
			data                []byte
			status              int
			says                string
		}{
			{"PNGBomb", "bomb.png", "A poster", picturetest.PNGBomb(t, 8000, 6000), 422, "too many pixels"},
			{"TextRenamedJPEG", "poster.jpg", "A poster", []byte("Meet at the station at noon.\n"), 422, "not a JPEG, PNG or WebP"},
			{"SVGWithScript", "poster.jpg", "A poster", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 422, "not a JPEG, PNG or WebP"},
			{"NoAlt", "poster.png", "  ", testPNG(t), 422, "Describe the picture"},
			{"NoFile", "", "A poster", nil, 422, "Choose a picture"},
			{"OverTenMB", "big.jpg", "A poster", bytes.Repeat([]byte{0xFF}, 10<<20+1), 413, "larger than 10 MB"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := storetest.Snapshot(t, st)
				resp, body := do(t, app, uploadRequest(t, path, token, tc.filename, tc.data, tc.alt))
				if resp.StatusCode != tc.status || !strings.Contains(body, tc.says) {
					t.Errorf("%d %s, want %d saying %q", resp.StatusCode, body, tc.status, tc.says)
				}
				if after := storetest.Snapshot(t, st); after != before {
					t.Errorf("a refused upload changed the database")
				}
			})
		}
	})
}

// TestEventImageFormUpload uploads through the edit page's form, with its
// CSRF token: the picture shows on the edit page; a missing alt text
// re-renders the form with the error beside the field.
func TestEventImageFormUpload(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	seedOrganiser(t, st, "ada@example.org", "riverside")
	e := seedEvent(t, st, groupID(t, st, "riverside"), "Vigil", 48*time.Hour, nil)
	b := newBrowser(t, app)
	b.login("ada@example.org", testPassword)
	edit := "/events/" + e.Slug + "/edit"
	post := func(alt string) (*http.Response, string) {
		ctype, body := multipartBody(t, "poster.png", testPNG(t), map[string]string{"alt": alt, "_csrf": b.csrf(edit)})
		req := httptest.NewRequest("POST", "/events/"+e.Slug+"/image", body)
		req.Header.Set("Content-Type", ctype)
		return b.send(req)
	}
	if resp, body := post(""); resp.StatusCode != 422 || !strings.Contains(body, `id="alt-error"`) || !strings.Contains(body, `href="#alt"`) {
		t.Fatalf("no alt: %d %.2000s", resp.StatusCode, body)
	}
	if resp, body := post("Poster of the vigil"); resp.StatusCode != 303 {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	if _, body := b.get(edit); !strings.Contains(body, `alt="Poster of the vigil"`) || !strings.Contains(body, "Remove the picture") {
		t.Errorf("edit page lacks the picture: %.3000s", body)
	}
}

// hashOf is the content hash a stored file is named by.
func hashOf(data string) string {
	sum := sha256.Sum256([]byte(data))
	return hex.EncodeToString(sum[:16])
}

func itoa(n int) string { return strconv.Itoa(n) }

// picturePNG is a w×h PNG.
func picturePNG(t testing.TB, w, h int) []byte { return picturetest.PNG(t, picturetest.Gradient(w, h)) }
