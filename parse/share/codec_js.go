//go:build js

package share

import "errors"

// In the page, wasm/jsio sets DefaultCodec to the browser's.
var defaultCodec Codec = noCodec{}

type noCodec struct{}

var errNoCodec = errors.New("no DEFLATE codec: the page sets the browser's at start")

func (noCodec) Deflate([]byte) ([]byte, error)               { return nil, errNoCodec }
func (noCodec) Inflate([]byte, int64) ([]byte, int64, error) { return nil, 0, errNoCodec }
