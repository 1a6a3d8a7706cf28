//go:build js && wasm

package main

import (
	"context"
	"errors"
	"syscall/js"
	"time"

	"github.com/ckptlens/ckptlens/wasm/jspromise"
	"github.com/ckptlens/ckptlens/web/server"
)

// kvStore is server.Store on a Workers KV namespace. It talks to KV
// directly because syumai/workers' KVNamespace cannot tell a missing key
// from a stored one (get returns null) and stores only strings or streams.
type kvStore struct{ ns js.Value }

func (s kvStore) Put(ctx context.Context, id string, record []byte, kvTTL time.Duration) error {
	if s.ns.IsUndefined() {
		return errors.New("the SHARES KV namespace is not bound")
	}
	buf := js.Global().Get("Uint8Array").New(len(record))
	js.CopyBytesToJS(buf, record)
	opts := js.Global().Get("Object").New()
	opts.Set("expirationTtl", int(kvTTL/time.Second))
	_, err := await(ctx, s.ns.Call("put", id, buf, opts))
	return err
}

func (s kvStore) Get(ctx context.Context, id string) ([]byte, error) {
	if s.ns.IsUndefined() {
		return nil, errors.New("the SHARES KV namespace is not bound")
	}
	v, err := await(ctx, s.ns.Call("get", id, "arrayBuffer"))
	if err != nil {
		return nil, err
	}
	if v.IsNull() || v.IsUndefined() {
		return nil, server.ErrNotFound
	}
	u8 := js.Global().Get("Uint8Array").New(v)
	b := make([]byte, u8.Get("byteLength").Int())
	js.CopyBytesToGo(b, u8)
	return b, nil
}

func (s kvStore) Delete(ctx context.Context, id string) error {
	_, err := await(ctx, s.ns.Call("delete", id))
	return err
}

// await waits for a JS promise, or until the request is cancelled.
func await(ctx context.Context, p js.Value) (js.Value, error) {
	select {
	case r := <-jspromise.Then(p):
		return r.Value, r.Err
	case <-ctx.Done():
		return js.Value{}, ctx.Err()
	}
}

// rateLimiter is server.RateLimiter on Cloudflare's rate-limiting binding:
// limit({key}) resolves to {success}.
type rateLimiter struct{ binding js.Value }

func (l rateLimiter) Allow(ctx context.Context, key string) (bool, error) {
	if l.binding.IsUndefined() || l.binding.IsNull() {
		return false, errors.New("the SHARE_RATE_LIMIT binding is missing")
	}
	opts := js.Global().Get("Object").New()
	opts.Set("key", key)
	v, err := await(ctx, l.binding.Call("limit", opts))
	if err != nil {
		return false, err
	}
	return v.Get("success").Bool(), nil
}
