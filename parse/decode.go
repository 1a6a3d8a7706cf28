package parse

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// format is one snapshot format Decode recognizes by content.
type format struct {
	// sniff reports whether the first bytes of the input (up to headSize)
	// belong to this format.
	sniff func(head []byte) bool
	// decode reads the whole input named name; it returns a non-nil partial
	// Snapshot together with any error.
	decode func(name string, r io.ReaderAt, size int64, limits Limits) (*model.Snapshot, error)
}

// Limits bound what decoding builds (see flink.Limits).
type Limits = flink.Limits

// DefaultMaxModelBytes is the model-size guard the page and the CLI apply
// unless told otherwise. A checkpoint of 10 million state handles (a 1.5 GB
// _metadata, whose model takes 2.0 GB) renders in the page in about a
// minute; one of 16 million never finished in WebAssembly's 4 GiB. Real
// jobs stay far below either.
const DefaultMaxModelBytes = 2_000_000_000

// headSize is how many leading bytes the formats sniff.
const headSize = 512

// formats is tried in order; the first whose sniff matches decodes.
var formats = []format{
	{sniff: flink.HasMagic, decode: decodeFlink},
	{sniff: slatedb.SniffCompactions, decode: decodeSlateDBCompactions},
	{sniff: slatedb.Sniff, decode: decodeSlateDB},
}

// decodeSlateDBCompactions reads SlateDB's compactor state; the name
// (<id>.compactions) supplies its id.
func decodeSlateDBCompactions(name string, r io.ReaderAt, size int64, _ Limits) (*model.Snapshot, error) {
	cs, err := slatedb.DecodeCompactions(r, size)
	s := cs.Snapshot(name, err)
	s.Decoded = cs
	return s, err
}

func decodeFlink(_ string, r io.ReaderAt, size int64, limits Limits) (*model.Snapshot, error) {
	return flink.DecodeSnapshot(r, size, limits)
}

// decodeSlateDB takes the manifest id from the name (<id>.manifest): the
// file itself does not hold it.
func decodeSlateDB(name string, r io.ReaderAt, size int64, _ Limits) (*model.Snapshot, error) {
	m, err := slatedb.Decode(r, size)
	s := m.SnapshotWithError(name, err)
	s.Decoded = m
	return s, err
}

// Decode reads one snapshot, choosing the decoder by the content (never the
// name, which is only recorded as Source). It always returns a non-nil
// Snapshot; on error it is the partial result, with Error set.
func Decode(name string, r io.ReaderAt, size int64) (*model.Snapshot, error) {
	return DecodeWithin(name, r, size, Limits{})
}

// DecodeWithin is Decode within limits.
func DecodeWithin(name string, r io.ReaderAt, size int64, limits Limits) (*model.Snapshot, error) {
	head := make([]byte, max(0, min(size, headSize)))
	n, err := r.ReadAt(head, 0)
	head = head[:n]
	if err != nil && err != io.EOF {
		s := &model.Snapshot{Source: name, Size: size, SnapshotKind: model.KindUnknown}
		s.Error = model.Info(err)
		return s, err
	}
	for _, f := range formats {
		if f.sniff(head) {
			s, err := f.decode(name, r, size, limits)
			s.Source = name
			s.Error = model.Info(err)
			return s, err
		}
	}
	err = foreign(head, size)
	s := &model.Snapshot{Source: name, Size: size, SnapshotKind: model.KindUnknown,
		Operators: []model.Operator{}, Files: []model.File{}, Error: model.Info(err)}
	return s, err
}

// foreign explains input no decoder recognizes.
func foreign(head []byte, size int64) error {
	const expected = "a Flink _metadata file, a SlateDB manifest or a SlateDB compactions file"
	what := flink.DescribeContent(head)
	switch {
	case size == 0:
		what = "an empty file (0 bytes)"
	case what == "":
		what = fmt.Sprintf("%d bytes starting with % X, which is neither", size, head[:min(len(head), 8)])
	}
	return &model.FormatError{Format: "input", Offset: 0, Expected: expected, Found: what}
}

// DecodeFile decodes a snapshot file, or the snapshot a folder holds: the
// _metadata of a chk-N or savepoint folder, or the newest manifest of a
// SlateDB database (its manifest/ folder, or that folder itself). Source is
// the file read, so a folder of any name places the snapshot (its relative
// paths) and is never taken for a file of its own.
func DecodeFile(path string) (*model.Snapshot, error) {
	srcs, err := FileSources(path)
	if err != nil {
		return failed(path, err)
	}
	src := srcs[0] // a database's newest manifest comes first
	r, err := src.Open()
	if err != nil {
		return failed(src.Name, err)
	}
	defer r.(io.Closer).Close()
	return Decode(src.Name, r, src.Size)
}

// FileSources are the sources a local path stands for: the file itself; the
// _metadata of a checkpoint or savepoint folder; or every manifest and
// compactions file of a SlateDB database folder (or of its manifest/
// folder), of which Load reads the live ones (DatabaseSources).
func FileSources(path string) ([]Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []Source{fileSource(path, st)}, nil
	}
	meta := filepath.Join(path, "_metadata")
	if st, err := os.Stat(meta); err == nil {
		return []Source{fileSource(meta, st)}, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var srcs []Source
	for _, name := range databaseFiles(path) {
		st, err := os.Stat(name)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, fileSource(name, st))
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("%s is a folder without a _metadata file or SlateDB manifests; give a checkpoint or savepoint folder (chk-N, savepoint-…), a SlateDB database folder, or the file itself", path)
	}
	return DatabaseSources(srcs), nil
}

// fileSource reads a local file, which must be a regular one.
func fileSource(path string, st fs.FileInfo) Source {
	return Source{Name: path, Size: st.Size(), Open: func() (io.ReaderAt, error) {
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file", path)
		}
		return os.Open(path)
	}}
}

// databaseFiles are the manifests of a SlateDB database folder, or of its
// manifest/ folder given itself, and the compactions files beside them.
func databaseFiles(dir string) []string {
	for _, d := range []string{filepath.Join(dir, "manifest"), dir} {
		if names, _ := filepath.Glob(filepath.Join(d, "*.manifest")); len(names) > 0 {
			state, _ := filepath.Glob(filepath.Join(filepath.Dir(d), "compactions", "*.compactions"))
			return append(names, state...)
		}
	}
	return nil
}

// DatabaseSources marks the files of a SlateDB database folder as found in
// it, so that Load reads only the live ones, and orders them as they are
// shown: the manifests newest first, then the compactions files newest
// first; other names last, as they were.
func DatabaseSources(srcs []Source) []Source {
	rank := func(s Source) (int, uint64) {
		kind, id, ok := slatedb.ParseObjectName(s.Name)
		switch {
		case !ok:
			return 2, 0
		case kind == slatedb.ManifestObject:
			return 0, id
		}
		return 1, id
	}
	for i := range srcs {
		srcs[i].InFolder = true
	}
	slices.SortStableFunc(srcs, func(a, b Source) int {
		ka, ia := rank(a)
		kb, ib := rank(b)
		return cmp.Or(cmp.Compare(ka, kb), cmp.Compare(ib, ia))
	})
	return srcs
}

func failed(path string, err error) (*model.Snapshot, error) {
	return &model.Snapshot{Source: path, SnapshotKind: model.KindUnknown,
		Operators: []model.Operator{}, Files: []model.File{}, Error: model.Info(err)}, err
}
