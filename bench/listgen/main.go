// Command listgen writes a storage listing or an inventory report of what a
// checkpoint references plus unreferenced files beside it, for the scale
// benchmarks (bench/scale.sh):
//
//	go run ./bench/gen -kind dense -root s3://bench/flink/checkpoints -o /tmp/b/dense
//	go run ./bench/listgen -metadata /tmp/b/dense/_metadata -base s3://bench/flink/checkpoints/JOB/chk-42 \
//	    -garbage 2000000 -format hdfs -o /tmp/b/listing.txt
//
// -format is hdfs (hdfs dfs -ls -R), find-times (find -printf '%T@ %s %p\n'),
// s3ls (aws s3 ls --recursive, keys relative to the bucket) or an inventory
// layout of parse/inventory/generate (s3-csv.gz, s3-parquet, gcs-csv, …;
// -o is then a folder). Every referenced file is older than the
// checkpoint's _metadata, the unreferenced ones older still. It prints what
// it wrote as one JSON object.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/inventory/generate"
)

func main() {
	metadata := flag.String("metadata", "", "the checkpoint's _metadata")
	base := flag.String("base", "", "where the checkpoint lives (its chk-N folder, s3://bucket/…); default: the job folder its shared files name, chk-<id>")
	garbage := flag.Int("garbage", 0, "unreferenced files to add in the job's shared/ folder")
	format := flag.String("format", "hdfs", "hdfs, find-times, s3ls or an inventory layout")
	out := flag.String("o", "", "output file (a folder for inventories)")
	flag.Parse()
	if *metadata == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: listgen -metadata FILE -base LOC [-garbage N] [-format F] -o OUT")
		os.Exit(2)
	}
	objs, junk, bucket, err := objects(*metadata, base, *garbage)
	if err != nil {
		fail(err)
	}
	path, total := *out, len(objs)+*garbage
	switch *format {
	case "hdfs", "find-times", "s3ls": // garbage written as it is made: 20 M lines take no memory
		err = writeListing(*out, *format, bucket, objs, *garbage, junk)
	default:
		for i := 0; i < *garbage; i++ {
			objs = append(objs, junk(i))
		}
		path, err = generate.Write(generate.Kind(*format), *out, bucket, objs, 1_000_000)
	}
	if err != nil {
		fail(err)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"path": path, "objects": total, "garbage": *garbage,
		"prefix": "s3://" + bucket + "/", "base": *base})
}

// objects are the checkpoint's files and its _metadata as keys of the
// bucket the base names, and junk makes the i-th unreferenced file.
func objects(metadata string, basePtr *string, garbage int) ([]generate.Object, func(int) generate.Object, string, error) {
	snap, err := parse.DecodeFile(metadata)
	if err != nil {
		return nil, nil, "", err
	}
	if *basePtr == "" {
		*basePtr = fmt.Sprintf("%s/chk-%d", parse.Inspect(snap, "").Location.JobDir, snap.CheckpointID)
	}
	base := *basePtr
	r := parse.Inspect(snap, base)
	bucket, _, ok := strings.Cut(strings.TrimPrefix(base, "s3://"), "/")
	if !ok || !strings.HasPrefix(base, "s3://") {
		return nil, nil, "", fmt.Errorf("-base %s: expected s3://bucket/…", base)
	}
	key := func(p string) string { return p[len("s3://"+bucket+"/"):] }
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	var objs []generate.Object
	for i, ref := range r.FileRefs {
		objs = append(objs, generate.Object{Key: key(ref.Path), Size: max(snap.Files[i].Bytes, 0), Modified: t0})
	}
	objs = append(objs, generate.Object{Key: key(base + "/_metadata"), Size: snap.Size, Modified: t0.Add(time.Hour)})
	shared := key(r.Location.JobDir + "/shared/")
	junk := func(i int) generate.Object {
		return generate.Object{Key: fmt.Sprintf("%s%08x-dead-4bad-8bad-%012x", shared, i, i), Size: 1 << 20, Modified: t0.Add(-24 * time.Hour)}
	}
	return objs, junk, bucket, nil
}

func writeListing(path, format, bucket string, objs []generate.Object, garbage int, junk func(int) generate.Object) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, o := range objs {
		writeLine(w, format, bucket, o)
	}
	for i := 0; i < garbage; i++ {
		writeLine(w, format, bucket, junk(i))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func writeLine(w io.Writer, format, bucket string, o generate.Object) {
	switch format {
	case "hdfs": // hadoop fs -ls -R on s3a:// prints s3a:// paths
		fmt.Fprintf(w, "-rw-rw-rw-   1 flink flink %12d %s s3a://%s/%s\n", o.Size, o.Modified.Format("2006-01-02 15:04"), bucket, o.Key)
	case "find-times":
		fmt.Fprintf(w, "%d.%09d %d s3://%s/%s\n", o.Modified.Unix(), o.Modified.Nanosecond(), o.Size, bucket, o.Key)
	case "s3ls":
		fmt.Fprintf(w, "%s %10d %s\n", o.Modified.Format("2006-01-02 15:04:05"), o.Size, o.Key)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "listgen:", err)
	os.Exit(1)
}
