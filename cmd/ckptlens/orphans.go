package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/inventory"
	"github.com/ckptlens/ckptlens/parse/listing"
)

func init() {
	register("orphans", "plan what a storage listing holds that no given snapshot needs", orphans)
}

const orphansUsage = `usage: ckptlens orphans [--keep-latest N] [--keep SNAPSHOT]... [--entropy-key KEY]
                        [--stopped] [--margin DURATION] [--json | --paths] ROOT
       ckptlens orphans --listing FILE [--prefix PREFIX] [--entropy-key KEY]
                        [--stopped] [--margin DURATION] [--json | --paths] [--max-model SIZE] [--base LOC] SNAPSHOT...

ROOT is a checkpoint root (state.checkpoints.dir, savepoints below it too) or
a SlateDB database's root, read from the storage itself: s3://bucket/dir,
gs://bucket/dir, abfss://container@account.dfs.core.windows.net/dir (also
abfs, wasbs, azblob://container/dir), hdfs://namenode:port/dir, file:/dir or
a local folder. ckptlens lists it with modification times and keeps the
newest N completed checkpoints (chk-N with a _metadata) of each job folder
(--keep-latest, default 1), every savepoint under ROOT, each SlateDB
database's live manifests, and any snapshot given with --keep; then plans as
with a listing. Progress goes to stderr.

Compares a storage listing with every file the given snapshots reference and
lists what none of them needs: whole folders first, then single files, each
with the reason, and what the plan cannot know. Give every checkpoint and
savepoint you want to keep. The plan fails closed: when it cannot prove that
a file is not needed it keeps the file, and when it cannot place the
snapshots in the listing it refuses and says what to fix.

--listing FILE   the output of one of (the first five carry modification times):
                   find DIR -printf '%T@ %s %p\n'
                   hdfs dfs -ls -R DIR
                   aws s3 ls --recursive s3://bucket/DIR/
                   gsutil ls -l -r gs://bucket/DIR   (or gcloud storage ls -l -r)
                   rclone lsl REMOTE:DIR
                   find DIR -printf '%s %p\n'  or  rclone ls REMOTE:DIR
                 or an inventory report, with times: an S3 Inventory
                 manifest.json (its CSV, CSV.gz or Parquet data files beside
                 it as downloaded), or one CSV or Parquet file of a Storage
                 Insights or Azure Blob Inventory report
--prefix PREFIX  what relative listing paths are relative to (aws s3 ls
                 prints keys without the bucket: --prefix s3://bucket/;
                 rclone paths under the listed DIR: --prefix s3://bucket/DIR/);
                 inferred from the snapshots' paths when not given (an
                 inventory's own bucket when it names one)
--entropy-key KEY  the s3.entropy.key the jobs used; entropy segments are
                 learned from the snapshots' own paths either way, with the
                 key also from the listing
--stopped        the jobs (or SlateDB's writer and compactor) are stopped:
                 needed to plan shared/, taskowned/, file-merging, changelog and
                 ForSt files from a listing without modification times
--margin DURATION  files written later than the newest given checkpoint's
                 _metadata less this are kept (default 15m: clock skew and
                 concurrent checkpoints)
--keep-latest N  with ROOT: the completed checkpoints kept per job (default 1)
--keep SNAPSHOT  also keep this snapshot (may be given more than once)
--base LOC       the folder of the snapshot after it
--max-model SIZE the most memory one snapshot's model may take (2GB by
                 default, as in the page; for example 8GB, or none)
--json           print the whole report as one JSON object
--paths          print only what is safe to delete, one path a line (a
                 folder ends in /), for your storage's delete command once
                 you have reviewed the plan; nothing when the plan is refused

Exit status: 0 a plan, 1 a snapshot could not be decoded completely (or a
file could not be read), 2 refused (the reason is on stderr), 3 the
independent last check found a needed file in the plan (a bug: please report
it). A SlateDB database folder, local or on the storage, stands for its newest
manifest, the manifests its checkpoints pin and its newest compactions file.
Nothing is deleted: the plan is printed for a
person to review.
`

// orphansFlags are the plan's flags as given.
type orphansFlags struct {
	asJSON, asPaths, stopped, help bool
	listing, prefix, entropyKey    string
	margin                         string
}

func orphans(args []string, stdout, stderr io.Writer) int {
	if os.Getenv("GOGC") == "" {
		// The planner reads the listing several times, leaving garbage per
		// line and little alive: a lower target keeps the peak near what is
		// alive at almost no CPU (bench/RESULTS.md).
		debug.SetGCPercent(50)
	}
	var fl orphansFlags
	args, rf, err := takeRootFlags(args)
	sa, perr := parseArgs(args,
		map[string]*string{"listing": &fl.listing, "prefix": &fl.prefix, "entropy-key": &fl.entropyKey, "margin": &fl.margin},
		map[string]*bool{"json": &fl.asJSON, "paths": &fl.asPaths, "stopped": &fl.stopped, "h": &fl.help, "help": &fl.help})
	if fl.help {
		io.WriteString(stdout, orphansUsage)
		return 0
	}
	if err == nil {
		err = perr
	}
	opts, err := fl.options(err, len(sa.inputs), rf)
	if err != nil || len(sa.inputs)+len(rf.keep) == 0 {
		if err != nil {
			fmt.Fprintf(stderr, "ckptlens orphans: %v\n", err)
		}
		io.WriteString(stderr, orphansUsage)
		return 2
	}
	spool, err := newFileSpool()
	if err != nil {
		fmt.Fprintf(stderr, "ckptlens orphans: %v\n", err)
		return 1
	}
	defer spool.Close()
	opts.DeletableSpool = spool
	var r *parse.Report
	failed := 0
	if fl.listing == "" {
		r, failed, err = rootReport(context.Background(), sa, rf, opts, stderr)
	} else if err = readListing(fl.listing, &opts); err == nil {
		if c, ok := opts.Listing.(io.Closer); ok {
			defer c.Close() // a spooled inventory's temporary file
		}
		sa.inputs, sa.bases = append(sa.inputs, rf.keep...), append(sa.bases, make([]string, len(rf.keep))...)
		r, failed = loadArgs(sa, "orphans", opts, true, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ckptlens orphans: %v\n", err)
		return 1
	}
	if failed > 0 {
		// The engine refuses a plan from a partly decoded snapshot: it names
		// only some of its files, and would call needed files deletable.
		for _, ref := range r.Orphans.Refusals {
			fmt.Fprintf(stderr, "ckptlens orphans: no plan: refused (%s): %s\n", ref.Code, ref.Message)
		}
		return 1
	}
	return printPlan(r, fl, stdout, stderr)
}

// readListing hands a listing or an inventory report to opts, to be read as
// the plan needs it, never whole. One that cannot be opened as an
// inventory still makes a report: the plan refuses it. An inventory that
// names its bucket is what relative entries are relative to, unless
// --prefix says otherwise.
func readListing(path string, opts *parse.Options) error {
	if !inventory.Is(path) {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		f.Close()
		opts.Listing = listing.File(path)
		return nil
	}
	r, err := inventory.Open(path)
	if err != nil {
		opts.Listing, opts.ListingError = &listing.Listing{}, err
		return nil
	}
	defer r.Close()
	// The first row names the bucket.
	r.Next()
	if opts.ListingPrefix == "" {
		opts.ListingPrefix = r.Root()
	}
	// Decoding a report (gzip, URL-encoding, Parquet) costs more than
	// reading back its entries: the planner's later reads come from a spool.
	sp, err := listing.NewSpooled(inventory.Source(path), "")
	if err != nil {
		return err
	}
	opts.Listing = sp
	return nil
}

// fileSpool keeps a plan's grouped deletable paths in a temporary file
// until the plan is known not to be refused.
type fileSpool struct {
	f *os.File
	w *bufio.Writer
}

// newFileSpool makes a spool that leaves no file behind: it is unlinked
// at once, and lives while it is open.
func newFileSpool() (*fileSpool, error) {
	f, err := os.CreateTemp("", "ckptlens-paths-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	return &fileSpool{f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

func (s *fileSpool) Write(b []byte) (int, error) { return s.w.Write(b) }

func (s *fileSpool) Replay(w io.Writer) error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.f)
	return err
}

func (s *fileSpool) Close() error { return s.f.Close() }

func (fl orphansFlags) options(err error, given int, rf rootFlags) (parse.Options, error) {
	opts := parse.Options{ListingPrefix: fl.prefix, EntropyKey: fl.entropyKey, Stopped: fl.stopped}
	switch {
	case err != nil:
	case fl.listing == "" && given != 1:
		err = fmt.Errorf("give one ROOT to read from the storage, or --listing FILE and the snapshots to keep")
	case fl.listing != "" && rf.keepLatestSet:
		err = fmt.Errorf("--keep-latest picks checkpoints from a ROOT read from the storage; with --listing, give the snapshots to keep")
	case fl.listing == "" && fl.prefix != "":
		err = fmt.Errorf("--prefix is for a --listing; a ROOT's listing has full URLs")
	case fl.asJSON && fl.asPaths:
		err = fmt.Errorf("--json and --paths print different things: give one")
	case fl.margin != "":
		opts.Margin, err = time.ParseDuration(fl.margin)
		// Zero would silently mean the default: the engine's zero value.
		if err == nil && opts.Margin <= 0 {
			err = fmt.Errorf("--margin %s: a margin is positive (writers' and storage's clocks differ; the default is 15m)", fl.margin)
		}
	}
	return opts, err
}

// printPlan prints the plan as asked and returns the exit status: a refused
// plan says why on stderr and lists nothing to delete.
func printPlan(r *parse.Report, fl orphansFlags, stdout, stderr io.Writer) int {
	p := r.Orphans
	status := 0
	if p.Refused() {
		status = 2
		if len(p.LastCheck) > 0 {
			status = 3
		}
		for _, ref := range p.Refusals {
			fmt.Fprintf(stderr, "ckptlens orphans: refused (%s): %s\n", ref.Code, ref.Message)
		}
	}
	switch {
	case fl.asJSON:
		if err := parse.WriteReportJSON(stdout, r); err != nil {
			fmt.Fprintf(stderr, "ckptlens orphans: %v\n", err)
			return 1
		}
	case fl.asPaths:
		if err := p.WriteDeletable(stdout); err != nil {
			fmt.Fprintf(stderr, "ckptlens orphans: %v\n", err)
			return 1
		}
	default:
		printOrphans(stdout, r)
	}
	return status
}
