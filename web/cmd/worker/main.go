//go:build js && wasm

// Command worker is the ckptlens Cloudflare Worker: it adapts web/server to
// syumai/workers. Bindings (wrangler.toml): SHARES (KV), SHARE_RATE_LIMIT
// (rate limiting) and the SHARE_TTL_SECONDS, MAX_SHARES_PER_DAY and
// MAX_STORED_BYTES vars. The page (dist/) is served by Cloudflare itself.
package main

import (
	"net/http"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"

	"github.com/ckptlens/ckptlens/web/server"
)

func main() {
	workers.Serve(http.HandlerFunc(serve))
}

// serve builds the Handler per request: bindings and vars live in the
// request's runtime context.
func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		// syumai/workers v0.27.0 never completes a response with an empty
		// body; answer HEAD as GET and let workerd drop the body, as HTTP
		// requires for HEAD.
		r.Method = http.MethodGet
	}
	ttl, err := server.ParseTTL(cloudflare.Getenv("SHARE_TTL_SECONDS"))
	if err != nil {
		http.Error(w, "worker misconfigured: "+err.Error(), http.StatusInternalServerError)
		return
	}
	quota, err := server.ParseQuota(cloudflare.Getenv("MAX_SHARES_PER_DAY"), cloudflare.Getenv("MAX_STORED_BYTES"))
	if err != nil {
		http.Error(w, "worker misconfigured: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := &server.Handler{Store: kvStore{ns: cloudflare.GetBinding("SHARES")}, TTL: ttl, Quota: quota,
		Limiter: rateLimiter{binding: cloudflare.GetBinding("SHARE_RATE_LIMIT")}}
	h.ServeHTTP(w, r)
}
