// Package share turns a report into the bytes and links people share: a
// compressed payload, the URL fragment that carries it (#r=...), the short
// link that names an encrypted copy on the Worker (#s=<id>.<key>), and the
// redaction of bucket, host and user names before any of it leaves the page.
//
// It works on any JSON-serializable value, so the page can share whatever
// report it renders. Encryption itself happens in the page (WebCrypto); this
// package only defines what goes in and how links look.
package share

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

const (
	// payloadVersion is the first byte of every payload, so a future format
	// can be told apart from this one.
	payloadVersion = 1

	// MaxReportBytes bounds the JSON a payload may expand to: a link is
	// hostile input, and a few kilobytes of DEFLATE can claim gigabytes.
	MaxReportBytes = 64 << 20

	// MaxFragmentLen is the longest #r= fragment the page puts in a link.
	// Browsers accept far longer URLs, but chat tools and mail clients cut
	// them; beyond this the page makes a short link instead.
	MaxFragmentLen = 16 << 10

	// MaxStoredBytes is the most ciphertext the Worker stores for one short
	// link, and SealOverhead what sealing adds to a payload: the AES-GCM
	// nonce (12 bytes) and tag (16).
	MaxStoredBytes = 1 << 20
	SealOverhead   = 12 + 16

	// IDLen and KeyLen are the lengths, in URL-safe base64, of a short
	// link's share id (128 bits) and AES-256 key (256 bits).
	IDLen  = 22
	KeyLen = 43
)

// LinkError says what is wrong with a payload or a link, and where.
type LinkError struct {
	Part     string // "fragment", "short link", "payload", "report"
	Offset   int64  // byte offset within Part
	Expected string
	Err      error // underlying cause, if any
}

func (e *LinkError) Error() string {
	s := fmt.Sprintf("damaged %s at byte %d: expected %s", e.Part, e.Offset, e.Expected)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *LinkError) Unwrap() error { return e.Err }

// Pack serializes v as JSON and compresses it into a payload.
func Pack(v any) ([]byte, error) {
	js, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("share: report is not serializable: %w", err)
	}
	z, err := DefaultCodec.Deflate(js)
	if err != nil {
		return nil, fmt.Errorf("share: compressing the report: %w", err)
	}
	return append([]byte{payloadVersion}, z...), nil
}

// Unpack expands a payload back to the report's JSON, refusing more than
// MaxReportBytes and anything that is not one JSON value.
func Unpack(payload []byte) (json.RawMessage, error) {
	if len(payload) == 0 {
		return nil, &LinkError{Part: "payload", Offset: 0, Expected: "a version byte, found nothing"}
	}
	if payload[0] != payloadVersion {
		return nil, &LinkError{Part: "payload", Offset: 0, Expected: fmt.Sprintf("version %d, found %d (made by a different ckptlens?)", payloadVersion, payload[0])}
	}
	js, consumed, err := DefaultCodec.Inflate(payload[1:], MaxReportBytes)
	if err != nil {
		return nil, &LinkError{Part: "payload", Offset: 1 + consumed, Expected: "DEFLATE-compressed data", Err: err}
	}
	if len(js) > MaxReportBytes {
		return nil, &LinkError{Part: "payload", Offset: 1 + consumed, Expected: fmt.Sprintf("a report of at most %d bytes once expanded", MaxReportBytes)}
	}
	if !json.Valid(js) {
		off := int64(0)
		var se *json.SyntaxError
		if err := json.Unmarshal(js, new(json.RawMessage)); errors.As(err, &se) {
			off = max(se.Offset-1, 0) // the offending byte, not the one after it
		}
		return nil, &LinkError{Part: "report", Offset: off, Expected: "JSON"}
	}
	return js, nil
}

// FragmentLink is the fragment (without '#') that carries a payload Pack
// made: "r=" and the payload in unpadded URL-safe base64.
func FragmentLink(payload []byte) string {
	return "r=" + base64.RawURLEncoding.EncodeToString(payload)
}

// ShortLink is the fragment (without '#') naming an encrypted share: the
// Worker's id and the key, which only ever travels in the fragment.
func ShortLink(id string, key []byte) string {
	return "s=" + id + "." + base64.RawURLEncoding.EncodeToString(key)
}

// Link is a parsed fragment.
type Link struct {
	Report json.RawMessage // set for a fragment link (#r=)
	ID     string          // set for a short link (#s=)
	Key    []byte          // AES-256 key of a short link
	// View is what follows the link's own part after '&': the page's view
	// ("snap=…&sec=…"), which the share's base64 never contains.
	View string
}

// ErrNoLink means the fragment carries no share at all (an ordinary visit).
var ErrNoLink = errors.New("share: no shared report in this link")

// ParseFragment reads location.hash (with or without its '#').
func ParseFragment(fragment string) (Link, error) {
	f, view, _ := strings.Cut(strings.TrimPrefix(fragment, "#"), "&")
	link, err := parseLinkPart(f)
	link.View = view
	return link, err
}

// parseLinkPart reads a fragment's "r=…" or "s=…" part.
func parseLinkPart(f string) (Link, error) {
	switch {
	case strings.HasPrefix(f, "r="):
		data := f[2:]
		p, err := base64.RawURLEncoding.Strict().DecodeString(data)
		if err != nil {
			var ce base64.CorruptInputError
			off := int64(0)
			if errors.As(err, &ce) {
				off = int64(ce)
			}
			return Link{}, &LinkError{Part: "fragment", Offset: 2 + off, Expected: "URL-safe base64 (was the link cut short or changed?)"}
		}
		js, err := Unpack(p)
		if err != nil {
			return Link{}, err
		}
		return Link{Report: js}, nil
	case strings.HasPrefix(f, "s="):
		id, key, ok := strings.Cut(f[2:], ".")
		if !ok || len(id) != IDLen {
			return Link{}, &LinkError{Part: "short link", Offset: 2, Expected: fmt.Sprintf("a %d-character id, a dot and a key", IDLen)}
		}
		if b, err := base64.RawURLEncoding.Strict().DecodeString(id); err != nil || len(b) != 16 {
			return Link{}, &LinkError{Part: "short link", Offset: 2, Expected: "an id of 128 bits in URL-safe base64"}
		}
		k, err := base64.RawURLEncoding.Strict().DecodeString(key)
		if err != nil || len(k) != 32 {
			return Link{}, &LinkError{Part: "short link", Offset: int64(2 + IDLen + 1), Expected: fmt.Sprintf("a %d-character AES-256 key (was the link cut short?)", KeyLen)}
		}
		return Link{ID: id, Key: k}, nil
	default:
		return Link{}, ErrNoLink
	}
}
