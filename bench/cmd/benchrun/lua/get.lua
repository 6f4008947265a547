-- A plain GET of the URL given to wrk, with the extra headers benchrun puts
-- in HEADERS (If-None-Match for the conditional feed).
local headers = {HEADERS}
for k, v in pairs(headers) do wrk.headers[k] = v end
