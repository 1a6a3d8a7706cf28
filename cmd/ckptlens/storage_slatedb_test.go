package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/storage/storagetest"
)

// A SlateDB database folder on the storage is its live manifests, as a
// local one is: orphans --listing of the remote folder plans what giving
// its newest and pinned manifests one by one plans. (It used to read the
// newest alone, so the SSTs only a checkpoint's manifest references were
// planned for deletion.)
func TestRemoteDatabaseFolderKeepsPinnedManifests(t *testing.T) {
	listingBefore, manifests := slateDBClone(t)
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(manifests[0]), "*.manifest"))
	var files []storagetest.File
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, storagetest.File{Rel: "manifest/" + filepath.Base(n), Data: data})
	}
	before, err := os.ReadFile(listingBefore)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range startServers(t) {
		t.Run(s.Name, func(t *testing.T) {
			root := s.Root + "slatedb-clone/"
			if err := storagetest.Upload(context.Background(), root, files, time.Now().Add(-72*time.Hour)); err != nil {
				t.Fatal(err)
			}
			// The oracle's listing of the database, as it would list there.
			var lines strings.Builder
			for _, line := range strings.Split(string(before), "\n") {
				if size, p, ok := strings.Cut(line, " "); ok && strings.HasPrefix(p, "prod/clone/") {
					fmt.Fprintf(&lines, "%s %s%s\n", size, root, strings.TrimPrefix(p, "prod/clone/"))
				}
			}
			listing := filepath.Join(t.TempDir(), "listing.txt")
			os.WriteFile(listing, []byte(lines.String()), 0o644)
			args := []string{"orphans", "--stopped", "--listing", listing}
			folder := planSummary(t, append(args, root)...)
			one := planSummary(t, append(args, root+"manifest/"+filepath.Base(manifests[0]), root+"manifest/"+filepath.Base(manifests[1]))...)
			if !reflect.DeepEqual(folder, one) || folder["status"] != 0 || len(folder["paths"].([]string)) < 2 {
				t.Errorf("orphans of the database folder %s:\n%+v\nof its newest and pinned manifests:\n%+v", root, folder, one)
			}
			_, stderr, _ := runCLI(t, append(args, root)...)
			if !strings.Contains(stderr, "also 00000000000000000006.manifest, which its checkpoints pin") {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}
}
