package app

import "github.com/vugu/vugu"

// ShareBar makes links to the report (a fragment link or an encrypted short
// link, optionally redacted) and reports links that could not be opened.
// It is built in Go, as the charts are (svg.go says why).
type ShareBar struct {
	Root   *Root
	Report *Report
	State  *ShareState
}

// Build implements vugu.Builder.
func (c *ShareBar) Build(*vugu.BuildIn) *vugu.BuildOut {
	s, r := c.State, c.Root
	sec := htmlElement(nil, "section", "class", "share", "id", "share", "aria-label", "Share this report")
	if c.Report != nil {
		c.controls(htmlElement(sec, "div", "class", "controls"))
	}
	if s.Opened != "" && c.Report != nil {
		htmlText(sec, "p", s.OpenedNote(), "class", "readonly", "id", "share-opened")
	}
	if s.Busy != "" {
		htmlText(sec, "p", s.Busy, "class", "notice", "id", "share-busy", "role", "status")
	}
	if s.Note != "" {
		htmlText(sec, "p", s.Note, "class", "notice", "id", "share-note", "role", "status")
	}
	if s.Consent != "" {
		div := htmlElement(sec, "div", "class", "consent", "id", "share-consent", "role", "alertdialog", "aria-labelledby", "share-consent-text")
		htmlText(div, "p", s.Consent, "id", "share-consent-text")
		onEvent(htmlText(div, "button", "Send the encrypted report to "+s.SendTo, "id", "share-send"), "click",
			func(vugu.DOMEvent) { r.ConfirmShortLink() })
		// The space keeps the buttons apart as the template's line break did.
		htmlSpace(div)
		onEvent(htmlText(div, "button", "Cancel", "id", "share-cancel"), "click", func(vugu.DOMEvent) { r.CancelShortLink() })
	}
	if s.Link != "" {
		label := htmlElement(sec, "label", "class", "base")
		label.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: "Link to this report "})
		htmlElement(label, "input", "type", "text", "id", "share-link", "readonly", "readonly", "spellcheck", "false", "value", s.Link)
	}
	if s.Problem != "" {
		div := htmlElement(sec, "div", "class", "problem", "id", "share-problem", "role", "alert")
		htmlText(div, "h3", "Sharing did not work")
		htmlText(div, "p", s.Problem)
	}
	return built(sec)
}

// controls are the redaction box and the two copy buttons.
func (c *ShareBar) controls(div *vugu.VGNode) {
	r := c.Root
	htmlText(div, "strong", "Share:")
	// The spaces keep the controls apart as the template's line breaks did.
	htmlSpace(div)
	label := htmlElement(div, "label")
	box := htmlElement(label, "input", "type", "checkbox", "id", "share-redact")
	flagAttr(box, "checked", c.State.Redact)
	onEvent(box, "change", func(e vugu.DOMEvent) { r.SetShareRedact(e.PropBool("target", "checked")) })
	label.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: " Hide bucket, host and user names"})
	htmlSpace(div)
	onEvent(htmlText(div, "button", "Copy link", "id", "copy-link"), "click", func(vugu.DOMEvent) { r.CopyLink() })
	htmlSpace(div)
	onEvent(htmlText(div, "button", "Copy short link…", "id", "copy-short-link",
		"title", "Asks first; then encrypted in this browser, and only ciphertext is sent"), "click",
		func(vugu.DOMEvent) { r.CopyShortLink() })
}
