//go:build js && wasm

package jsio

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/ckptlens/ckptlens/wasm/app"
)

// The browser side of share links (app.ShareLinks): WebCrypto AES-GCM, the
// Worker's /api/shares, and the page's own address. Each method blocks on
// promises, so the app calls them from a goroutine, never an event callback.

var _ app.ShareLinks = Browser{}

const gcmNonceBytes = 12

// Seal encrypts plain under a fresh AES-256-GCM key made by WebCrypto and
// returns nonce‖ciphertext‖tag and the raw key.
func (Browser) Seal(plain []byte) (sealed, key []byte, err error) {
	subtle := js.Global().Get("crypto").Get("subtle")
	if !subtle.Truthy() {
		return nil, nil, errors.New("this browser offers no WebCrypto here (short links need https or localhost)")
	}
	alg := js.Global().Get("Object").New()
	alg.Set("name", "AES-GCM")
	alg.Set("length", 256)
	usages := js.Global().Get("Array").New("encrypt")
	k, err := await(subtle.Call("generateKey", alg, true, usages))
	if err != nil {
		return nil, nil, fmt.Errorf("making a key: %v", err)
	}
	raw, err := await(subtle.Call("exportKey", "raw", k))
	if err != nil {
		return nil, nil, fmt.Errorf("exporting the key: %v", err)
	}
	nonce := js.Global().Get("Uint8Array").New(gcmNonceBytes)
	js.Global().Get("crypto").Call("getRandomValues", nonce)
	params := js.Global().Get("Object").New()
	params.Set("name", "AES-GCM")
	params.Set("iv", nonce)
	ct, err := await(subtle.Call("encrypt", params, k, toJS(plain)))
	if err != nil {
		return nil, nil, fmt.Errorf("encrypting: %v", err)
	}
	sealed = append(fromJS(nonce), fromJS(ct)...)
	return sealed, fromJS(raw), nil
}

// Open decrypts what Seal made. A wrong key or altered bytes fail GCM's
// authentication: app.ErrWrongKey.
func (Browser) Open(sealed, key []byte) ([]byte, error) {
	if len(sealed) < gcmNonceBytes+16 {
		return nil, app.ErrWrongKey
	}
	subtle := js.Global().Get("crypto").Get("subtle")
	if !subtle.Truthy() {
		return nil, errors.New("this browser offers no WebCrypto here (short links need https or localhost)")
	}
	k, err := await(subtle.Call("importKey", "raw", toJS(key), "AES-GCM", false, js.Global().Get("Array").New("decrypt")))
	if err != nil {
		return nil, app.ErrWrongKey // not a usable AES key at all
	}
	params := js.Global().Get("Object").New()
	params.Set("name", "AES-GCM")
	params.Set("iv", toJS(sealed[:gcmNonceBytes]))
	plain, err := await(subtle.Call("decrypt", params, k, toJS(sealed[gcmNonceBytes:])))
	if err != nil {
		return nil, app.ErrWrongKey
	}
	return fromJS(plain), nil
}

// PostShare stores sealed on the Worker and returns its id.
func (Browser) PostShare(sealed []byte) (string, error) {
	init := js.Global().Get("Object").New()
	init.Set("method", "POST")
	headers := js.Global().Get("Object").New()
	headers.Set("Content-Type", "application/octet-stream")
	init.Set("headers", headers)
	init.Set("body", toJS(sealed))
	init.Set("credentials", "omit")
	init.Set("referrerPolicy", "no-referrer")
	res, body, err := fetchBytes("/api/shares", init)
	if err != nil {
		return "", err
	}
	if res.Get("status").Int() != 201 {
		return "", apiError(res, body)
	}
	var created struct{ ID string }
	if err := json.Unmarshal(body, &created); err != nil || created.ID == "" {
		return "", fmt.Errorf("the server's answer was not a share id: %.100q", body)
	}
	return created.ID, nil
}

// GetShare fetches the ciphertext stored under id.
func (Browser) GetShare(id string) ([]byte, error) {
	init := js.Global().Get("Object").New()
	init.Set("credentials", "omit")
	init.Set("referrerPolicy", "no-referrer")
	res, body, err := fetchBytes("/api/shares/"+id, init)
	if err != nil {
		return nil, err
	}
	switch res.Get("status").Int() {
	case 200:
		return body, nil
	case 404:
		return nil, app.ErrShareGone
	default:
		return nil, apiError(res, body)
	}
}

// PageURL is the page's address without its fragment: where links point.
func (Browser) PageURL() string {
	loc := js.Global().Get("location")
	return loc.Get("origin").String() + loc.Get("pathname").String()
}

// WatchShareLinks calls open with the page's fragment now and whenever it
// changes (a link pasted into the same tab), each time on a new goroutine.
func WatchShareLinks(open func(fragment string)) {
	hash := func() string { return js.Global().Get("location").Get("hash").String() }
	go open(hash())
	js.Global().Call("addEventListener", "hashchange", js.FuncOf(func(js.Value, []js.Value) any {
		go open(hash())
		return nil
	}))
}

func fetchBytes(url string, init js.Value) (res js.Value, body []byte, err error) {
	res, err = await(js.Global().Call("fetch", url, init))
	if err != nil {
		// fetch rejects with a bare "TypeError: Failed to fetch" when no
		// answer came: say why in words.
		if !js.Global().Get("navigator").Get("onLine").Bool() {
			return res, nil, app.ErrOffline
		}
		return res, nil, app.ErrUnreachable
	}
	buf, err := await(res.Call("arrayBuffer"))
	if err != nil {
		return res, nil, fmt.Errorf("reading the share service's answer: %v", err)
	}
	return res, fromJS(buf), nil
}

func apiError(res js.Value, body []byte) error {
	var e struct{ Error string }
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return fmt.Errorf("the share service said: %s", e.Error)
	}
	return fmt.Errorf("the share service answered %d %s", res.Get("status").Int(), res.Get("statusText").String())
}

func toJS(b []byte) js.Value {
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

// fromJS copies an ArrayBuffer or Uint8Array into Go.
func fromJS(v js.Value) []byte {
	u := v
	if !v.InstanceOf(js.Global().Get("Uint8Array")) {
		u = js.Global().Get("Uint8Array").New(v)
	}
	b := make([]byte, u.Get("byteLength").Int())
	js.CopyBytesToGo(b, u)
	return b
}
