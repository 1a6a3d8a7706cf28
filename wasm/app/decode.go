package app

import (
	"io"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

// pageLimits keep a file the page cannot hold from stalling it. A
// checkpoint of 10 million state handles (a 1.5 GB _metadata, whose model
// takes 2.0 GB) renders in about a minute; one of 16 million never
// finished in WebAssembly's 4 GiB. Real jobs stay far below either.
var pageLimits = parse.Limits{
	MaxModelBytes: 2_000_000_000,
	Hint:          " in a browser tab; the command-line tool (ckptlens inspect) reads it",
}

// decode is the engine's decoder, the one the CLI calls, within the page's
// limits.
func decode(name string, r io.ReaderAt, size int64) (*model.Snapshot, error) {
	return parse.DecodeWithin(name, r, size, pageLimits)
}
