package share

// Codec compresses payloads as raw DEFLATE (RFC 1951).
type Codec interface {
	Deflate(data []byte) ([]byte, error)
	// Inflate expands src, returning at most limit+1 bytes: more than limit
	// tells the caller the data expands too far. consumed is how many bytes
	// of src were read, where the codec knows it (else 0); on an error it
	// locates the damage.
	Inflate(src []byte, limit int64) (out []byte, consumed int64, err error)
}

// DefaultCodec is what Pack and Unpack use: Go's compress/flate, except in
// WebAssembly, where the page sets the browser's CompressionStream
// (wasm/jsio). That keeps compress/flate, 38 KB of brotli, out of the page.
var DefaultCodec Codec = defaultCodec
