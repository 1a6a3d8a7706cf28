//go:build !js

package share

import (
	"bytes"
	"compress/flate"
	"io"
)

var defaultCodec Codec = goFlate{}

// goFlate is Codec on compress/flate.
type goFlate struct{}

func (goFlate) Deflate(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (goFlate) Inflate(src []byte, limit int64) ([]byte, int64, error) {
	r := bytes.NewReader(src)
	zr := flate.NewReader(r)
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	return out, int64(len(src)) - int64(r.Len()), err
}
