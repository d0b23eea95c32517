-- Shared by every benchmark row. bench/load.py prepends a table `bench` describing the
-- row (method, paths, bodies, tokens, cookies); this file turns it into requests and prints one
-- machine-readable summary line at the end.

local threads = {}
local counter = 0

setup = function(thread)
   counter = counter + 1
   thread:set("tid", counter)
   table.insert(threads, thread)
end

init = function(args)
   math.randomseed(tid * 7919)
   -- Checkout: one buyer per connection (wrk -t16 -c16: a thread per connection).
   if bench.per_thread_token then
      my_token = bench.tokens[((tid - 1) % #bench.tokens) + 1]
   end
end

local function pick(list)
   return list[math.random(#list)]
end

request = function()
   local headers = {}
   local token = my_token or (bench.tokens and pick(bench.tokens))
   if token then
      headers["Authorization"] = "Bearer " .. token
   end
   if bench.cookies then
      headers["Cookie"] = pick(bench.cookies)
   end
   local path = pick(bench.paths)
   local body = nil
   if bench.body then
      headers["Content-Type"] = "application/json"
      body = bench.body()
   end
   return wrk.format(bench.method or "GET", path, headers, body)
end

done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
      '"status_errors": %d, "socket_errors": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.status, e.connect + e.read + e.write + e.timeout))
end
