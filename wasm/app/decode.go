package app

import (
	"github.com/ckptlens/ckptlens/parse"
)

// pageLimits keep a file the page cannot hold from stalling it (see
// parse.DefaultMaxModelBytes).
var pageLimits = parse.Limits{
	MaxModelBytes: parse.DefaultMaxModelBytes,
	Hint:          " in a browser tab; the command-line tool (ckptlens inspect) reads it",
}
