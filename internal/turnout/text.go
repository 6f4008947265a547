package turnout

// CheckText records a message for field when value is not valid UTF-8, is
// longer than max characters, or holds control characters (NUL included;
// newlines only when multiline) or hidden text-direction overrides. The web
// layer checks query parameters with it; domain inputs are checked the same way.
func (f FieldErrors) CheckText(field, value string, max int, multiline bool) {
	validText(f, field, value, max, multiline)
}
