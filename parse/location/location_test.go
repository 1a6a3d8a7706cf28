package location

import "testing"

// One Explain for the page and the CLI: they differ only in how a user gives
// a base location.
func TestLocationExplain(t *testing.T) {
	for _, tc := range []struct {
		loc  Location
		want string
	}{
		{Location{}, "unknown (give --base to place relative files)"},
		{Location{Dir: "s3://b/j/chk-3", From: FromBase}, "s3://b/j/chk-3 (given with --base)"},
		{Location{Dir: "/d/chk-3", From: FromReadPath}, "/d/chk-3 (the folder it was read from)"},
		{Location{Dir: "file:/x/chk-3", From: FromAbsolutePaths, ReadFrom: "copy/chk-3"}, "file:/x/chk-3 (from its own absolute paths; read from the copy in copy/chk-3)"},
		{Location{Dir: "/x/chk-3", From: FromListing}, "/x/chk-3 (found in the listing: a _metadata of its size beside all its files)"},
		{Location{Dir: "/x"}, "/x"},
	} {
		if got := tc.loc.Explain("given with --base", "give --base"); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.loc, got, tc.want)
		}
	}
}
