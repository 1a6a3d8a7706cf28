package parse

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// InspectDatabase reads every manifest a SlateDB database folder holds and
// reports what a user asks of the database as a whole: what each checkpoint
// keeps alive, which parents a clone reads, and each manifest's and
// checkpoint's history. now decides checkpoint expiry. Manifests that
// cannot be decoded completely are left out and named in the error.
func InspectDatabase(dir string, now time.Time) (*slatedb.DatabaseReport, error) {
	var ms []*slatedb.Manifest
	var errs []error
	for _, name := range databaseFiles(dir) {
		id, ok := slatedb.ParseManifestName(name)
		if !ok {
			continue // the compactor's state
		}
		data, err := os.ReadFile(name)
		if err == nil {
			var m *slatedb.Manifest
			m, err = slatedb.Decode(&model.Memory{Data: data}, int64(len(data)))
			if err == nil {
				m.ID = id
				ms = append(ms, m)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	if len(ms) == 0 {
		return nil, errors.Join(append(errs, fmt.Errorf("%s holds no SlateDB manifest", dir))...)
	}
	return slatedb.NewDatabase(dir, ms...).Report(now), errors.Join(errs...)
}
