package app

// The views' Go code (*_gen.go) is generated from the .vugu files and
// committed; ./build.sh regenerates it and its tests fail when that changes
// a tracked file. vugugen imports log and vjson into every file and keeps
// them with blank variables; the views use neither, and log's init alone
// cost the page 4.6 KB of brotli, so they are taken out again.

//go:generate go tool vugugen -skip-go-mod -skip-main .
//go:generate sh -c "sed -i -e '/^import \"log\"$/d' -e '/^var _ log\\.Logger$/d' -e '/^import \"github.com\\/vugu\\/vjson\"$/d' -e '/^var _ vjson\\.RawMessage$/d' *_gen.go && gofmt -w *_gen.go"
