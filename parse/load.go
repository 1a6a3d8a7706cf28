package parse

import (
	"cmp"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// Source is one input to Load: a snapshot file, or for the page a storage
// listing, by name and size.
type Source struct {
	// Name is the path, URL or name in a drop; a SlateDB file's name
	// (<id>.manifest, <id>.compactions) gives its id, which the file itself
	// does not hold.
	Name string
	Size int64
	// Base is where the user says this source lives; it wins over
	// LoadOptions.Base.
	Base string
	// InFolder is set for a file found in a folder given whole. Of the SlateDB
	// manifests and compactions files found so, only the live ones are read
	// (slatedb.LiveManifests); files given one by one are all read.
	InFolder bool
	// Open returns the bytes. Load calls it at most once, just before it
	// reads the source, and closes what it returns when that is an io.Closer.
	Open func() (io.ReaderAt, error)
}

// ReaderSource is a Source over a reader already open.
func ReaderSource(name string, r io.ReaderAt, size int64) Source {
	return Source{Name: name, Size: size, Open: func() (io.ReaderAt, error) { return r, nil }}
}

// LoadOptions tune Load: the analysis's Options, and how the sources are
// read.
type LoadOptions struct {
	Options
	// Limits bound what decoding one snapshot builds.
	Limits Limits
	// Base is where the snapshots live, when the user says so: it places a
	// single snapshot, or the manifests of one SlateDB database (whose
	// content never names its root). Otherwise each is located from its own
	// paths.
	Base string
	// ReadListings reads a source that is not a snapshot as a storage
	// listing (the page, where both are dropped together); the listings are
	// merged into Options.Listing. Without it such a source is a snapshot
	// that failed to decode.
	ReadListings bool
	// Workers is how many sources are read at once (the CLI's reads from
	// storage); 0 or 1 reads them one by one, in order (the page).
	Workers int
	// NotLive, when set, is told once, before the other sources are read,
	// which SlateDB files found in folders are not read: no live manifest
	// needs them, as SlateDB's garbage collector sees it.
	NotLive func(indices []int)
	// Done, when set, is told about each source once Load has read it,
	// before the analysis.
	Done func(SourceResult)
}

// SourceResult is what one source turned out to be.
type SourceResult struct {
	Index int // into the sources given to Load
	// Snapshot is the decoded snapshot (partial, with Err, when decoding
	// stopped part-way); nil for a listing or a source not read.
	Snapshot *model.Snapshot
	// Listing is the source read as a storage listing (ReadListings).
	Listing *listing.Listing
	// Err is why the source could not be read whole: the snapshot's or the
	// listing's error, or, for a source that is neither (both nil), the
	// decoder's.
	Err error
}

// listingLimit bounds a listing read into memory; listings are text and
// far smaller than this in practice.
const listingLimit = 512 << 20

// Load is the engine's front door, which the page and the CLI both call. It
// reads each source once (a snapshot, or with ReadListings a listing), of
// the SlateDB files found in folders only the live ones, and analyses the
// snapshots. Opts.Stop is asked between sources and analysis steps: once
// it answers true, Load returns at once, with Report.Cancelled set.
func Load(sources []Source, opts LoadOptions) *Report {
	ld := &loader{sources: sources, opts: opts, results: make([]*SourceResult, len(sources))}
	ld.readAll(ld.chooseLive())
	if ld.cancelled() {
		return &Report{Schema: ReportSchema, Snapshots: []*SnapshotReport{}, Cancelled: true}
	}
	inputs, listings, listingErr := ld.inputs()
	if len(listings) > 0 {
		// The page's listings are in memory; a streamed one given too (no
		// caller does) would have to be read whole to be merged.
		given, _ := opts.Listing.(*listing.Listing)
		if opts.Listing != nil && given == nil {
			opts.ListingError = cmp.Or(opts.ListingError, errStreamedAndDropped)
		}
		if merged := listing.Merge(append([]*listing.Listing{given}, listings...)); merged != nil {
			opts.Listing = merged // never a nil *Listing in the interface
		}
		opts.ListingError = cmp.Or(opts.ListingError, listingErr)
	}
	return Analyze(inputs, opts.Options)
}

var errStreamedAndDropped = errors.New("a streamed listing and listings among the sources cannot be merged: give one listing")

// loader is one Load's state: what each source turned out to be.
type loader struct {
	sources []Source
	opts    LoadOptions
	results []*SourceResult
	mu      sync.Mutex // over results and Done, with several workers
}

// readAll reads every source but the ones not live, opts.Workers at a time,
// until Stop says so. (Channels, not a sync.WaitGroup: the page's wasm
// stays smaller.)
func (ld *loader) readAll(notLive map[int]bool) {
	workers := make(chan struct{}, max(1, ld.opts.Workers))
	for i := range ld.sources {
		if ld.cancelled() {
			break
		}
		if notLive[i] {
			continue
		}
		if ld.opts.Workers <= 1 {
			ld.read(i)
			continue
		}
		workers <- struct{}{}
		go func() {
			ld.read(i)
			<-workers
		}()
	}
	for range cap(workers) {
		workers <- struct{}{} // every slot taken back: every read has ended
	}
}

func (ld *loader) cancelled() bool { return ld.opts.Stop != nil && ld.opts.Stop() }

// chooseLive picks, of the SlateDB files found in folders, the ones
// SlateDB's garbage collector keeps alive; it reads each folder's newest
// manifest to learn its checkpoints' pins, and that read is the one Load
// keeps. The others are reported as not live.
func (ld *loader) chooseLive() (notLive map[int]bool) {
	byName := map[string]int{}
	var names []string
	for i, s := range ld.sources {
		if _, _, ok := slatedb.ParseObjectName(s.Name); ok && s.InFolder {
			byName[s.Name] = i
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	now := ld.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	live := slatedb.LiveManifests(names, func(newest string) []uint64 {
		if ld.cancelled() {
			return nil
		}
		return slatedb.CheckpointManifests(ld.read(byName[newest]).Snapshot, now)
	})
	notLive = map[int]bool{}
	for _, n := range names {
		notLive[byName[n]] = true
	}
	for _, n := range live {
		delete(notLive, byName[n])
	}
	if len(notLive) > 0 && ld.opts.NotLive != nil {
		var indices []int
		for i := range ld.sources {
			if notLive[i] {
				indices = append(indices, i)
			}
		}
		ld.opts.NotLive(indices)
	}
	return notLive
}

// read decodes source i, once: each index is read by one goroutine.
func (ld *loader) read(i int) *SourceResult {
	ld.mu.Lock()
	known := ld.results[i]
	ld.mu.Unlock()
	if known != nil {
		return known
	}
	src := ld.sources[i]
	res := &SourceResult{Index: i}
	r, err := src.Open()
	if err != nil {
		res.Snapshot, res.Err = failed(src.Name, err)
		res.Snapshot.Size = src.Size
	} else {
		limits := ld.opts.Limits
		limits.Stop = ld.opts.Stop
		res.Snapshot, res.Err = DecodeWithin(src.Name, r, src.Size, limits)
		if res.Snapshot.Format == "" && ld.opts.ReadListings {
			ld.readListing(res, r, src.Size)
		}
		if c, ok := r.(io.Closer); ok {
			c.Close()
		}
	}
	ld.done(res)
	return res
}

// readListing reads a source that is not a snapshot as a listing; one with
// a line that cannot be read is kept with its error (the plan refuses it).
func (ld *loader) readListing(res *SourceResult, r io.ReaderAt, size int64) {
	if size <= listingLimit {
		l, err := listing.Parse(io.NewSectionReader(r, 0, size))
		if len(l.Entries) > 0 && (err == nil || l.Format != "") {
			res.Snapshot, res.Listing, res.Err = nil, l, err
			return
		}
	}
	res.Snapshot = nil
}

func (ld *loader) done(r *SourceResult) {
	ld.mu.Lock()
	ld.results[r.Index] = r
	if ld.opts.Done != nil {
		ld.opts.Done(*r)
	}
	ld.mu.Unlock()
}

// inputs are the snapshots read, in the sources' order, each with its base
// (the source's own, else LoadOptions.Base where it has one location), the
// listings read, and why the first of those with a bad line could not be
// read whole. A source that is neither is left out when listings
// are read (its result explains it); otherwise it is a snapshot that
// failed to decode.
func (ld *loader) inputs() (inputs []Input, listings []*listing.Listing, listingErr error) {
	for i, r := range ld.results {
		switch {
		case r == nil:
		case r.Listing != nil:
			listings = append(listings, r.Listing)
			listingErr = cmp.Or(listingErr, r.Err)
		case r.Snapshot != nil:
			inputs = append(inputs, Input{Snapshot: r.Snapshot, Base: ld.sources[i].Base})
		}
	}
	if len(inputs) == 1 || oneDatabase(inputs) {
		for i := range inputs {
			inputs[i].Base = cmp.Or(inputs[i].Base, ld.opts.Base)
		}
	}
	return inputs, listings, listingErr
}

// oneDatabase reports whether snaps are all files of one SlateDB database:
// found in one manifest/ folder, or all given as bare files.
func oneDatabase(inputs []Input) bool {
	root := ""
	for i, in := range inputs {
		s := in.Snapshot
		if s.Format != model.FormatSlateDB && s.Format != model.FormatSlateDBCompactions {
			return false
		}
		r, _ := slatedb.DatabaseRoot(s.Source)
		if i > 0 && r != root {
			return false
		}
		root = r
	}
	return true
}
