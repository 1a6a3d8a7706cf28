package app

import (
	"io"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

// pageLimits keep a file the page cannot hold from stalling it (see
// parse.DefaultMaxModelBytes).
var pageLimits = parse.Limits{
	MaxModelBytes: parse.DefaultMaxModelBytes,
	Hint:          " in a browser tab; the command-line tool (ckptlens inspect) reads it",
}

// decode is the engine's decoder, the one the CLI calls, within the page's
// limits.
func decode(name string, r io.ReaderAt, size int64) (*model.Snapshot, error) {
	return parse.DecodeWithin(name, r, size, pageLimits)
}
