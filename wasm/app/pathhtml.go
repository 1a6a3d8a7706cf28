package app

import (
	"html"
	"strings"

	"github.com/vugu/vugu"
)

// pathHTML is a path as markup that lines may break only after a "/": each
// folder, with its slash, is an unbreakable piece (index.html's .ps), so a
// narrow screen never splits "chk-41" or "version" mid-word. Every piece is
// escaped: the path is data taken from a file.
func pathHTML(p string) vugu.HTML {
	var b strings.Builder
	b.Grow(len(p) + 32)
	for p != "" {
		cut := len(p)
		for i := 0; i < len(p); i++ {
			if p[i] == '/' && (i+1 == len(p) || p[i+1] != '/') {
				cut = i + 1
				break
			}
		}
		b.WriteString(`<span class="ps">`)
		b.WriteString(html.EscapeString(p[:cut]))
		b.WriteString(`</span>`)
		p = p[cut:]
	}
	return vugu.HTML(b.String())
}
