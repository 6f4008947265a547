package store_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

func imageInput(alt string, widths ...int) turnout.ImageInput {
	in := turnout.ImageInput{Alt: alt}
	for _, w := range widths {
		data := bytes.Repeat([]byte{byte(w)}, w)
		in.Files = append(in.Files, turnout.ImageFile{Width: w, Height: w / 2, Bytes: len(data),
			Hash: alt[:1] + strconv.Itoa(w) + "0123456789abcdef0123456789abcdef"[:20], ContentType: "image/jpeg", Data: data})
	}
	return in
}

// TestEventImage stores, replaces and deletes an event's picture on both
// databases: the event and every list that shows it carry the picture
// without its bytes, the file is found by hash with its bytes, a
// replacement leaves no file of the old picture behind, and each change
// moves the event's feed version.
func TestEventImage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		g := newGroup(t, st, "ada@example.org", "riverside")
		e, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: str("Vigil"), StartsAt: str("2031-03-29T18:00"), EndsAt: str("2031-03-29T20:00"), Status: str(turnout.StatusPublished)})
		if err != nil {
			t.Fatal(err)
		}
		scope := "event:" + strconv.FormatInt(e.ID, 10)
		version := func() int64 {
			v, err := st.FindFeedVersion(ctx, scope)
			if err != nil {
				t.Fatal(err)
			}
			return v.Version
		}
		v0 := version()
		im, err := st.SetEventImage(ctx, e.ID, imageInput("Candles on the steps", 320, 640))
		if err != nil {
			t.Fatal(err)
		}
		if im.Alt != "Candles on the steps" || len(im.Files) != 2 || im.Width() != 640 {
			t.Fatalf("stored %+v", im)
		}
		if version() <= v0 {
			t.Error("feed version did not move with a new picture")
		}
		got, err := st.FindEventBySlug(ctx, e.Slug)
		if err != nil || got.Image == nil || got.Image.Alt != im.Alt || len(got.Image.Files) != 2 || got.Image.Files[0].Width != 320 {
			t.Fatalf("event page picture %+v, %v", got.Image, err)
		}
		if got.Image.Files[0].Data != nil {
			t.Error("a page lookup loaded the picture's bytes")
		}
		list, _, err := st.FindEvents(ctx, turnout.EventFilter{})
		if err != nil || len(list) != 1 || list[0].Image == nil || list[0].Image.Largest().Hash != im.Largest().Hash {
			t.Fatalf("list picture: %v", err)
		}
		f, err := st.FindImageFile(ctx, im.Files[0].Hash)
		if err != nil || !bytes.Equal(f.Data, bytes.Repeat([]byte{byte(320 % 256)}, 320)) || f.ContentType != "image/jpeg" {
			t.Fatalf("file by hash: %+v, %v", f, err)
		}

		old := im.Files[0].Hash
		if _, err := st.SetEventImage(ctx, e.ID, imageInput("Banner", 320)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FindImageFile(ctx, old); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Errorf("the replaced picture's file is still served: %v", err)
		}
		v1 := version()
		if err := st.DeleteEventImage(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.FindEventBySlug(ctx, e.Slug); got.Image != nil {
			t.Errorf("deleted picture still shown: %+v", got.Image)
		}
		if version() <= v1 {
			t.Error("feed version did not move when the picture went")
		}
		var n int
		if err := st.SQLDB().QueryRowContext(ctx, "SELECT count(*) FROM image_files").Scan(&n); err != nil || n != 0 {
			t.Errorf("%d files left after delete (%v)", n, err)
		}
	})
}

// TestImageRefused: no alt text, or no files, stores nothing.
func TestImageRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		g := newGroup(t, st, "ada@example.org", "riverside")
		before := storetest.Snapshot(t, st)
		for name, in := range map[string]turnout.ImageInput{
			"NoAlt":   imageInput("x", 320),
			"NoFiles": {Alt: "A banner"},
		} {
			if name == "NoAlt" {
				in.Alt = "   "
			}
			if _, err := st.SetGroupImage(ctx, g.ID, in); turnout.ErrorCode(err) != turnout.EINVALID {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
		if _, err := st.SetGroupImage(ctx, g.ID+1000, imageInput("A banner", 320)); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Errorf("missing group: %v", err)
		}
		if after := storetest.Snapshot(t, st); after != before {
			t.Errorf("a refused picture changed the database")
		}
		if _, err := st.SetGroupImage(ctx, g.ID, imageInput("A banner", 320)); err != nil {
			t.Fatal(err)
		}
		got, err := st.FindGroupBySlug(ctx, "riverside")
		if err != nil || got.Image == nil || got.Image.Alt != "A banner" {
			t.Fatalf("group picture %+v %v", got, err)
		}
	})
}
