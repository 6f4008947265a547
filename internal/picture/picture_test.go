package picture_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/picture"
	"github.com/turnout-org/turnout/internal/picture/picturetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestPhoneJPEGLosesAllMetadata uploads a phone photo whose EXIF holds a
// GPS position and the camera's serial number, and reads every output file's
// segments: no APP segment (EXIF, XMP, ICC, JFIF) and no comment survives,
// and neither the serial nor the maker appears anywhere in the bytes.
func TestPhoneJPEGLosesAllMetadata(t *testing.T) {
	in := picturetest.PhoneJPEG(t, 1200, 900, 1)
	x, ok := picturetest.ReadEXIF(t, in)
	if !ok || !x.HasGPS || x.Serial != picturetest.Serial || x.Latitude != picturetest.Latitude {
		t.Fatalf("the test photo does not carry its EXIF: %+v (found %v)", x, ok)
	}
	files, err := picture.Process(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no files")
	}
	for _, f := range files {
		if _, ok := picturetest.ReadEXIF(t, f.Data); ok {
			t.Errorf("%dw: EXIF survived", f.Width)
		}
		for _, s := range picturetest.Segments(t, f.Data) {
			if (s.Marker >= 0xE0 && s.Marker <= 0xEF) || s.Marker == 0xFE {
				t.Errorf("%dw: segment %#x (%q...) survived", f.Width, s.Marker, s.Data[:min(len(s.Data), 8)])
			}
		}
		for _, secret := range []string{picturetest.Serial, "PhoneMaker", "Pocket 12", "Exif"} {
			if bytes.Contains(f.Data, []byte(secret)) {
				t.Errorf("%dw: output contains %q", f.Width, secret)
			}
		}
	}
}

// TestSizesForSrcset checks the stored widths and that each file decodes to
// the size it claims, with a hash that names its bytes.
func TestSizesForSrcset(t *testing.T) {
	for _, tc := range []struct {
		name   string
		w, h   int
		widths []int
	}{
		{"Large", 3000, 2000, []int{320, 640, 1024, 1600}},
		{"Medium", 800, 600, []int{320, 640, 800}},
		{"ExactlyAStep", 640, 480, []int{320, 640}},
		{"Tiny", 200, 100, []int{200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, picturetest.Gradient(tc.w, tc.h), nil); err != nil {
				t.Fatal(err)
			}
			files, err := picture.Process(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, f := range files {
				got = append(got, f.Width)
				cfg, format, err := image.DecodeConfig(bytes.NewReader(f.Data))
				if err != nil || format != "jpeg" || cfg.Width != f.Width || cfg.Height != f.Height {
					t.Errorf("%dw: decodes as %s %dx%d (%v), claims %dx%d", f.Width, format, cfg.Width, cfg.Height, err, f.Width, f.Height)
				}
				if want := f.Width * tc.h / tc.w; abs(f.Height-want) > 1 {
					t.Errorf("%dw: height %d, want about %d (aspect kept)", f.Width, f.Height, want)
				}
				sum := sha256.Sum256(f.Data)
				if f.Hash != hex.EncodeToString(sum[:16]) || f.Bytes != len(f.Data) || f.ContentType != "image/jpeg" {
					t.Errorf("%dw: hash %s, bytes %d, type %s do not describe the data", f.Width, f.Hash, f.Bytes, f.ContentType)
				}
			}
			if !equal(got, tc.widths) {
				t.Errorf("widths %v, want %v", got, tc.widths)
			}
		})
	}
}

// TestPhotoTurnedUpright uploads a photo stored sideways with EXIF
// orientation 6 (rotate 90° clockwise): the output is upright, so the tags
// that said how to turn it can go.
func TestPhotoTurnedUpright(t *testing.T) {
	files, err := picture.Process(picturetest.PhoneJPEG(t, 400, 200, 6))
	if err != nil {
		t.Fatal(err)
	}
	f := files[len(files)-1]
	if f.Width != 200 || f.Height != 400 {
		t.Fatalf("upright size %dx%d, want 200x400", f.Width, f.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatal(err)
	}
	// Stored, red grows to the right and blue downwards. Turned clockwise,
	// the stored bottom-left is the top-left, the stored top-left the
	// top-right, and the stored top-right the bottom-right.
	for _, c := range []struct {
		x, y, r, b int
		stored     string
	}{{0, 0, 0, 255, "bottom-left"}, {199, 0, 0, 0, "top-left"}, {199, 399, 255, 0, "top-right"}} {
		r, _, b := rgb(img.At(c.x, c.y))
		if abs(int(r)-c.r) > 40 || abs(int(b)-c.b) > 40 {
			t.Errorf("pixel (%d,%d) is r=%d b=%d, want the stored %s (r=%d b=%d)", c.x, c.y, r, b, c.stored, c.r, c.b)
		}
	}
}

// TestTransparentPNGOnWhite keeps transparent parts white, not black.
func TestTransparentPNGOnWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 100, 50))
	files, err := picture.Process(picturetest.PNG(t, img))
	if err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(bytes.NewReader(files[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b := rgb(out.At(50, 25)); r < 250 || g < 250 || b < 250 {
		t.Errorf("transparent pixel came out %d,%d,%d, want white", r, g, b)
	}
}

// TestRefused covers what is not a picture Turnout takes, each refused with
// a message for the person uploading, before decoding.
func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		name, code, msg string
		data            []byte
	}{
		{"TextFileNamedJPEG", turnout.EINVALID, "not a JPEG, PNG or WebP", []byte("This is a text file renamed to poster.jpg\n")},
		{"Empty", turnout.EINVALID, "Choose a picture", nil},
		{"GIF", turnout.EINVALID, "not a JPEG, PNG or WebP", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")},
		{"SVG", turnout.EINVALID, "not a JPEG, PNG or WebP", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		{"PNGBombPixels", turnout.EINVALID, "too many pixels", picturetest.PNGBomb(t, 8000, 6000)},
		{"PNGBombSide", turnout.EINVALID, "too many pixels", picturetest.PNGBomb(t, 20000, 10)},
		{"TruncatedJPEG", turnout.EINVALID, "could not be read", truncated(picturetest.PhoneJPEG(t, 300, 200, 1))},
		{"OverTenMB", turnout.ETOOLARGE, "larger than 10 MB", make([]byte, turnout.MaxImageBytes+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := picture.Process(tc.data)
			if err == nil {
				t.Fatalf("accepted, %d files", len(files))
			}
			if code := turnout.ErrorCode(err); code != tc.code {
				t.Errorf("code %s, want %s (%v)", code, tc.code, err)
			}
			if msg := turnout.ErrorFields(err)["image"]; !strings.Contains(msg, tc.msg) {
				t.Errorf("image field says %q, want it to mention %q", msg, tc.msg)
			}
		})
	}
}

// TestBombRefusedBeforeDecoding shows the bomb in TestRefused is real: the
// same bytes decode (allocating 48 megapixels) when nothing checks the
// header first.
func TestBombRefusedBeforeDecoding(t *testing.T) {
	img, _, err := image.Decode(bytes.NewReader(picturetest.PNGBomb(t, 8000, 6000)))
	if err != nil {
		t.Fatalf("the bomb does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx()*b.Dy() <= turnout.MaxImagePixels {
		t.Fatalf("the bomb decodes to only %v", b)
	}
}

// truncated cuts a JPEG in the middle of its image data: the header still
// reads, the pixels do not.
func truncated(b []byte) []byte { return b[:len(b)*2/3] }

func rgb(c color.Color) (r, g, b uint32) {
	r, g, b, _ = c.RGBA()
	return r >> 8, g >> 8, b >> 8
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
