package web

import "strings"

// secretPaths are path prefixes whose next segment is a secret token: a
// supporter's manage link, or an invitation.
var secretPaths = []string{"/rsvp/", "/api/v1/rsvps/", "/invitations/"}

// logPath is the request path as logs may record it: secret tokens in the
// path are replaced by "REDACTED", so that logs never hold a working link.
func logPath(p string) string {
	for _, prefix := range secretPaths {
		if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" {
			_, tail, _ := strings.Cut(rest, "/")
			if tail != "" {
				tail = "/" + tail
			}
			return prefix + "REDACTED" + tail
		}
	}
	return p
}
