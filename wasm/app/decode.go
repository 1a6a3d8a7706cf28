package app

import "github.com/ckptlens/ckptlens/parse"

// decode is the engine's decoder, the one the CLI calls.
var decode = parse.Decode
