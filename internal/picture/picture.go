// Package picture turns an uploaded JPEG, PNG or WebP into the files Turnout
// stores: decoded, turned upright, resized to a few widths and re-encoded as
// JPEG. Only pixels survive: EXIF (GPS position, camera serial number, time),
// XMP, IPTC, ICC profiles, PNG text chunks and anything else the upload
// carried are never copied, because the output is written from pixels alone.
// It is pure: bytes in, files out, no database and no HTTP.
package picture

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	_ "image/png" // registers PNG with image.DecodeConfig
	"io"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp" // registers WebP with image.DecodeConfig

	"github.com/turnout-org/turnout/internal/turnout"
)

// quality is the JPEG quality of every stored file: small enough for a phone
// on a slow network, without visible blocks on posters with text.
const quality = 82

// accepted are the formats image.DecodeConfig may name for an upload.
var accepted = map[string]bool{"jpeg": true, "png": true, "webp": true}

// errNotPicture is the answer for anything that is not a JPEG, PNG or WebP.
var errNotPicture = invalid("This file is not a JPEG, PNG or WebP picture. Choose a photo or a poster saved in one of those formats.")

func invalid(msg string) error {
	return &turnout.Error{Code: turnout.EINVALID, Message: msg, Fields: map[string]string{"image": msg}}
}

// Process checks and re-encodes an upload. It refuses, with an error that
// says why, files over turnout.MaxImageBytes (too_large), files that are not
// JPEG, PNG or WebP, and files whose header claims more pixels than
// turnout.MaxImagePixels, before decoding a single pixel.
func Process(data []byte) ([]turnout.ImageFile, error) {
	if len(data) > turnout.MaxImageBytes {
		msg := "This picture is larger than 10 MB. Save it smaller and try again."
		return nil, &turnout.Error{Code: turnout.ETOOLARGE, Message: msg, Fields: map[string]string{"image": msg}}
	}
	if len(data) == 0 {
		return nil, invalid("Choose a picture to upload.")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || !accepted[format] {
		return nil, errNotPicture
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errNotPicture
	}
	if cfg.Width > turnout.MaxImageSide || cfg.Height > turnout.MaxImageSide ||
		int64(cfg.Width)*int64(cfg.Height) > turnout.MaxImagePixels {
		return nil, invalid("This picture has too many pixels (at most 40 megapixels, 12,000 on a side). Save it smaller and try again.")
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, invalid("This picture could not be read: the file may be damaged. Save it again and retry.")
	}
	return encodeSizes(img)
}

// flatten draws img onto white, so that transparent parts of a PNG or WebP
// come out white in the JPEG rather than black. Opaque pictures, every
// photo, are returned as they are.
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Over)
	return out
}

// widths are the widths to store for a picture w pixels wide, narrowest
// first: each of turnout.ImageWidths narrower than it, then its own width,
// capped at the widest of them.
func widths(w int) []int {
	widest := turnout.ImageWidths[len(turnout.ImageWidths)-1]
	var out []int
	for _, iw := range turnout.ImageWidths {
		if iw < w && iw < widest {
			out = append(out, iw)
		}
	}
	return append(out, min(w, widest))
}

// encodeSizes writes img at each of widths, the widest first and each
// narrower one from the one before (cheaper than from the full upload), and
// returns the files narrowest first.
func encodeSizes(img image.Image) ([]turnout.ImageFile, error) {
	ws := widths(img.Bounds().Dx())
	files := make([]turnout.ImageFile, len(ws))
	src := img
	for i := len(ws) - 1; i >= 0; i-- {
		if ws[i] != src.Bounds().Dx() {
			src = imaging.Resize(src, ws[i], 0, imaging.Lanczos)
		}
		src = flatten(src)
		f, err := encode(src)
		if err != nil {
			return nil, err
		}
		files[i] = f
	}
	return files, nil
}

// encode writes img as a baseline JPEG. The standard library's encoder
// writes no APP segments at all: no JFIF, EXIF, XMP or ICC data.
func encode(img image.Image) (turnout.ImageFile, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return turnout.ImageFile{}, err
	}
	data := buf.Bytes()
	sum := sha256.Sum256(data)
	b := img.Bounds()
	return turnout.ImageFile{
		Width: b.Dx(), Height: b.Dy(), Bytes: len(data),
		Hash: hex.EncodeToString(sum[:16]), ContentType: "image/jpeg", Data: data,
	}, nil
}

// ReadLimited reads an upload, stopping one byte past turnout.MaxImageBytes
// so that Process can tell the file is too large without reading all of it.
func ReadLimited(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, turnout.MaxImageBytes+1))
}
