package web

import "testing"

func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/events/vigil/edit?x=1":     "/events/vigil/edit?x=1",
		"/":                          "/",
		"":                           "/dashboard",
		"dashboard":                  "/dashboard",
		"//evil.example/x":           "/dashboard",
		"/\\evil.example":            "/dashboard",
		"https://evil.example":       "/dashboard",
		"/%0d%0aLocation: x":         "/%0d%0aLocation: x",
		"/a\r\nSet-Cookie: x=1":      "/dashboard",
		"/\x00":                      "/dashboard",
		"javascript:alert(1)":        "/dashboard",
		"/login?next=//evil.example": "/login?next=//evil.example",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
