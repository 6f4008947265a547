-- RSVPs over the public API: each request is a new supporter (unique name and
-- email per run, thread and request) going with 0 to 2 guests, spread round
-- robin over the capacity-limited events named in `slugs`. `codes` counts
-- statuses and, for 201, the RSVP's outcome (going or waitlisted).
-- benchrun fills in the slugs and the nonce.
local slugs = {SLUGS}
local nonce = "{NONCE}"
local n = 0
codes = {}

request = function()
  n = n + 1
  local slug = slugs[(n % #slugs) + 1]
  local who = nonce .. "-" .. tostring(tid) .. "-" .. n
  local body = '{"name":"Bench ' .. who .. '","email":"' .. who .. '@bench.example.org","status":"going","guests":' .. (n % 3) .. '}'
  return wrk.format("POST", "/api/v1/events/" .. slug .. "/rsvps", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status == 201 then
    local outcome = string.match(body, '"status":"([a-z_]+)"') or "unknown"
    codes[outcome] = (codes[outcome] or 0) + 1
  end
end
