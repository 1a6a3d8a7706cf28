package inventory

import "github.com/ckptlens/ckptlens/parse/listing"

// Source is the inventory report at a path, read from its start each time
// it is opened (a listing.Source).
type Source string

// Open reads the report again.
func (s Source) Open() (listing.ReadCloser, error) {
	r, err := Open(string(s))
	if err != nil {
		return nil, err
	}
	return r, nil
}
