//go:build js && wasm

package jsio

import "syscall/js"

// SetFragment replaces the URL's fragment in place: no history entry, no
// hashchange, no scrolling.
func (Browser) SetFragment(fragment string) {
	loc := js.Global().Get("location")
	url := loc.Get("pathname").String() + loc.Get("search").String()
	if fragment != "" {
		url += "#" + fragment
	}
	js.Global().Get("history").Call("replaceState", js.Null(), "", url)
}

// ScrollTo brings the element with id into view.
func (Browser) ScrollTo(id string) {
	if el := js.Global().Get("document").Call("getElementById", id); el.Truthy() {
		el.Call("scrollIntoView")
	}
}

// WatchSectionLinks calls follow with the id an in-page link (href="#id")
// leads to, when one is clicked, on a new goroutine: the page keeps the
// section in its view without waiting for the hashchange that follows.
func WatchSectionLinks(follow func(id string)) {
	js.Global().Get("document").Call("addEventListener", "click", js.FuncOf(func(_ js.Value, args []js.Value) any {
		a := args[0].Get("target").Call("closest", `a[href^="#"]`)
		if a.Truthy() {
			go follow(a.Call("getAttribute", "href").String()[1:])
		}
		return nil
	}))
}
