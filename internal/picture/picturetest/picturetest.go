// Package picturetest makes the pictures that tests upload: a phone photo
// carrying EXIF with a GPS position and a camera serial number, PNG
// decompression bombs, and readers that find metadata in a JPEG's bytes.
package picturetest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"
)

// Serial is the camera serial number PhoneJPEG writes into its EXIF.
const Serial = "CAM-SERIAL-4711-0815"

// Latitude and Longitude are the GPS position PhoneJPEG writes: degrees,
// minutes and seconds, as EXIF stores them (51°30'26" N, 0°7'39" W).
var (
	Latitude  = [3]uint32{51, 30, 26}
	Longitude = [3]uint32{0, 7, 39}
)

// Gradient is a w×h picture with colour changing across it, so that a
// resize or a rotation shows in its pixels: red grows to the right, blue
// downwards.
func Gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(255 * x / max(w-1, 1)), G: 80, B: uint8(255 * y / max(h-1, 1)), A: 255})
		}
	}
	return img
}

// PhoneJPEG is a w×h JPEG as a phone writes it: an APP1 EXIF segment with
// the camera's make, model and serial number, an orientation tag and a GPS
// position. orientation 6 means "rotate 90° clockwise to view".
func PhoneJPEG(t testing.TB, w, h int, orientation uint16) []byte {
	t.Helper()
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, Gradient(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	app1 := append([]byte("Exif\x00\x00"), tiff(orientation)...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	out := append([]byte{}, plain.Bytes()[:2]...) // SOI
	out = append(out, seg...)
	out = append(out, app1...)
	return append(out, plain.Bytes()[2:]...)
}

// entry is one TIFF IFD entry: tag, type, count and the value or its bytes.
type entry struct {
	tag, typ uint16
	count    uint32
	data     []byte // the value's bytes, inline when 4 or fewer
}

func ascii(tag uint16, s string) entry {
	return entry{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

func short(tag, v uint16) entry {
	b := make([]byte, 4)
	binary.BigEndian.PutUint16(b, v)
	return entry{tag, 3, 1, b}
}

func long(tag uint16, v uint32) entry {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, v)
	return entry{tag, 4, 1, b}
}

func rationals(tag uint16, vs [3]uint32) entry {
	b := make([]byte, 24)
	for i, v := range vs {
		binary.BigEndian.PutUint32(b[8*i:], v)
		binary.BigEndian.PutUint32(b[8*i+4:], 1)
	}
	return entry{tag, 5, 3, b}
}

// tiff is a big-endian TIFF structure: IFD0 (make, model, orientation,
// pointers to the Exif and GPS IFDs), the Exif IFD (body serial number) and
// the GPS IFD (latitude and longitude with their references).
func tiff(orientation uint16) []byte {
	const exifAt, gpsAt = 200, 300
	ifd0 := []entry{ascii(0x010F, "PhoneMaker"), ascii(0x0110, "Pocket 12"), short(0x0112, orientation),
		long(0x8769, exifAt), long(0x8825, gpsAt)}
	exif := []entry{ascii(0xA431, Serial)}
	gps := []entry{ascii(0x0001, "N"), rationals(0x0002, Latitude), ascii(0x0003, "W"), rationals(0x0004, Longitude)}
	buf := make([]byte, 600)
	copy(buf, "MM\x00\x2a\x00\x00\x00\x08")
	writeIFD(buf, 8, ifd0)
	writeIFD(buf, exifAt, exif)
	writeIFD(buf, gpsAt, gps)
	return buf
}

// writeIFD writes entries at off, their long values after the entries.
func writeIFD(buf []byte, off int, entries []entry) {
	binary.BigEndian.PutUint16(buf[off:], uint16(len(entries)))
	extra := off + 2 + 12*len(entries) + 4
	for i, e := range entries {
		p := off + 2 + 12*i
		binary.BigEndian.PutUint16(buf[p:], e.tag)
		binary.BigEndian.PutUint16(buf[p+2:], e.typ)
		binary.BigEndian.PutUint32(buf[p+4:], e.count)
		if len(e.data) <= 4 {
			copy(buf[p+8:], e.data)
			continue
		}
		binary.BigEndian.PutUint32(buf[p+8:], uint32(extra))
		copy(buf[extra:], e.data)
		extra += len(e.data)
	}
}

// Segment is one marker segment of a JPEG before its image data.
type Segment struct {
	Marker byte   // 0xE1 for APP1 and so on
	Data   []byte // the segment's payload, without marker and length
}

// Segments lists the marker segments of a JPEG up to its first scan. It
// fails the test when data is not a well-formed JPEG.
func Segments(t testing.TB, data []byte) []Segment {
	t.Helper()
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		t.Fatalf("not a JPEG: starts % x", data[:min(len(data), 4)])
	}
	var out []Segment
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			t.Fatalf("JPEG marker expected at %d, found %#x", p, data[p])
		}
		marker := data[p+1]
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			t.Fatalf("JPEG segment %#x at %d runs past the end", marker, p)
		}
		out = append(out, Segment{Marker: marker, Data: data[p+4 : p+2+n]})
		if marker == 0xDA { // start of scan: entropy-coded data follows
			return out
		}
		p += 2 + n
	}
	t.Fatal("JPEG without a scan")
	return nil
}

// EXIF is what ReadEXIF found in a JPEG.
type EXIF struct {
	Serial              string
	Orientation         uint16
	Latitude, Longitude [3]uint32
	HasGPS              bool
}

// ReadEXIF parses the EXIF APP1 segment of a JPEG (big-endian TIFF, as
// PhoneJPEG writes it) and reports the camera serial, the orientation and
// the GPS position. ok is false when the JPEG has no EXIF segment at all.
func ReadEXIF(t testing.TB, data []byte) (x EXIF, ok bool) {
	t.Helper()
	for _, s := range Segments(t, data) {
		if s.Marker != 0xE1 || !bytes.HasPrefix(s.Data, []byte("Exif\x00\x00")) {
			continue
		}
		tf := s.Data[6:]
		if string(tf[:4]) != "MM\x00\x2a" {
			t.Fatalf("EXIF is not big-endian TIFF: % x", tf[:4])
		}
		readIFD(tf, int(binary.BigEndian.Uint32(tf[4:])), &x)
		return x, true
	}
	return x, false
}

func readIFD(tf []byte, off int, x *EXIF) {
	n := int(binary.BigEndian.Uint16(tf[off:]))
	for i := 0; i < n; i++ {
		p := off + 2 + 12*i
		tag := binary.BigEndian.Uint16(tf[p:])
		count := int(binary.BigEndian.Uint32(tf[p+4:]))
		val := tf[p+8 : p+12]
		ptr := int(binary.BigEndian.Uint32(val))
		switch tag {
		case 0x0112:
			x.Orientation = binary.BigEndian.Uint16(val)
		case 0x8769, 0x8825:
			readIFD(tf, ptr, x)
		case 0xA431:
			x.Serial = strings.TrimRight(string(tf[ptr:ptr+count]), "\x00")
		case 0x0002, 0x0004:
			var v [3]uint32
			for j := range v {
				v[j] = binary.BigEndian.Uint32(tf[ptr+8*j:])
			}
			if tag == 0x0002 {
				x.Latitude = v
			} else {
				x.Longitude = v
			}
			x.HasGPS = true
		}
	}
}

// PNG encodes img as a PNG.
func PNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// PNGBomb is a real decompression bomb: a valid w×h 8-bit greyscale PNG of
// zeros, whose pixel data compresses to a tiny fraction of what decoding
// would allocate (20,000×20,000 is 400 MB of pixels in about 400 KB).
func PNGBomb(t testing.TB, w, h int) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 0 // 8 bits, greyscale
	chunk(&out, "IHDR", ihdr)
	var idat bytes.Buffer
	zw, err := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	row := make([]byte, w+1) // filter byte 0, then zeros
	for y := 0; y < h; y++ {
		if _, err := zw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	chunk(&out, "IDAT", idat.Bytes())
	chunk(&out, "IEND", nil)
	return out.Bytes()
}

func chunk(w io.Writer, typ string, data []byte) {
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(len(data)))
	copy(hdr[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(hdr[4:])
	crc.Write(data)
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc.Sum32())
	w.Write(hdr[:])
	w.Write(data)
	w.Write(sum[:])
}
