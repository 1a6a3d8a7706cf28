package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/share"
)

// ShareLinks is what sharing needs from the browser; wasm/jsio implements
// it with WebCrypto and fetch. Every method may block, so the app calls
// them from goroutines.
type ShareLinks interface {
	// Seal encrypts under a fresh random AES-256-GCM key.
	Seal(plain []byte) (sealed, key []byte, err error)
	// Open decrypts, or returns ErrWrongKey.
	Open(sealed, key []byte) ([]byte, error)
	// PostShare stores ciphertext on the Worker and returns its id.
	PostShare(sealed []byte) (id string, err error)
	// GetShare fetches ciphertext by id, or returns ErrShareGone.
	GetShare(id string) ([]byte, error)
	// PageURL is the page's address without a fragment.
	PageURL() string
}

var (
	// ErrWrongKey means the link's key does not decrypt the stored share.
	ErrWrongKey = errors.New("the key in this link does not open the shared report: the link was changed or cut short")
	// ErrShareGone means the Worker has no share under the link's id.
	ErrShareGone = errors.New("this short link has expired or never existed: ask for a new link")
)

// ShareState is the share bar's state, kept on Root so a link opened at
// start-up and the buttons report in the same place.
type ShareState struct {
	Redact  bool   `vugu:"data"` // hide bucket, host and user names in links
	Busy    string `vugu:"data"` // what is under way, for the status line
	Link    string `vugu:"data"` // the last link made, shown for copying
	Note    string `vugu:"data"` // what the last action did
	Problem string `vugu:"data"` // why a link could not be made or opened
	Opened  string `vugu:"data"` // how the shown report arrived: "fragment" or "short link"
}

// OpenedNote says where a shared report came from, and what saw it.
func (s *ShareState) OpenedNote() string {
	switch s.Opened {
	case "fragment":
		return "Opened from a link that carries the report itself; no server saw it."
	case "short link":
		return "Opened from a short link: fetched as ciphertext and decrypted in this browser with the key in the link."
	}
	return ""
}

func (r *Root) shareState() *ShareState {
	if r.Share == nil {
		r.Share = &ShareState{}
	}
	return r.Share
}

func (r *Root) shareLinks() (ShareLinks, bool) {
	s, ok := r.Platform.(ShareLinks)
	return s, ok
}

// A link carries a report whose lists have up to wholeRows rows whole, if
// it fits what the Worker stores. A larger job's report compresses to
// megabytes, and trying it whole would take the page seconds: its link
// keeps sharedRows rows of each long list (parse.Report.ForSharing), a
// quarter as many if that is still too big, and so on down to
// minSharedRows.
const (
	wholeRows     = 20_000
	sharedRows    = 2_000
	minSharedRows = 30
)

// packReport is the report as a link carries it: cut to fit, JSON,
// redacted if asked, compressed (share.Pack). It runs off the event
// handler: in the page compressing waits for the browser's
// CompressionStream.
func packReport(rep *Report, redact bool) (payload []byte, note string, err error) {
	rows := rep.LongestList()
	if rows > wholeRows {
		rows = sharedRows
	}
	for ; ; rows = max(min(rows, sharedRows*4)/4, minSharedRows) {
		cut := rep.ForSharing(rows)
		js, err := json.Marshal(cut)
		if err != nil {
			return nil, "", err
		}
		note = "Bucket, host and user names are included."
		if redact {
			red, how, err := share.Redact(js)
			if err != nil {
				return nil, "", err
			}
			js = red
			note = "Hidden: " + how.String() + "."
		}
		payload, err = share.Pack(json.RawMessage(js))
		if err != nil {
			return nil, "", err
		}
		if len(payload)+share.SealOverhead <= share.MaxStoredBytes || rows <= minSharedRows {
			return payload, leftOutNote(cut.LeftOut) + note, nil
		}
	}
}

// leftOut says what a report cut for a link (parse.Report.ForSharing)
// still lists.
func leftOut(l *parse.LeftOut) string {
	var parts []string
	if l.Files > 0 {
		parts = append(parts, fmt.Sprintf("the %s largest files of each snapshot (%s left out)", Count(l.Rows), Count(l.Files)))
	}
	if l.ComparedFiles > 0 {
		parts = append(parts, fmt.Sprintf("the %s largest compared files (%s left out)", Count(l.Rows), Count(l.ComparedFiles)))
	}
	if l.PlanRows > 0 {
		parts = append(parts, fmt.Sprintf("the first %s rows of each deletion list (%s left out)", Count(l.Rows), Count(l.PlanRows)))
	}
	return strings.Join(parts, ", ") + "; every total, folder and operator still counts them all."
}

// leftOutNote is what the share bar says about a cut report, or nothing.
func leftOutNote(l *parse.LeftOut) string {
	if l == nil {
		return ""
	}
	return "To fit, the link lists " + leftOut(l) + " "
}

// leftOutNotice tells the reader of a shared report what its link left out.
func leftOutNotice(l *parse.LeftOut) string {
	return "The report was too big for its link, which lists " + leftOut(l)
}

// CopyLink copies a link that carries the report itself in its fragment,
// which no server ever sees. A report too big for a URL gets a short link.
func (r *Root) CopyLink() {
	if links, rep, redact, ok := r.startShare("Compressing the report…"); ok {
		go r.makeLink(links, rep, redact)
	}
}

// startShare clears the share bar's last outcome, shows busy, and returns
// what a link is made of; ok is false when the bar already says why not.
func (r *Root) startShare(busy string) (links ShareLinks, rep *Report, redact bool, ok bool) {
	st := r.shareState()
	st.Problem, st.Note = "", ""
	links, ok = r.shareLinks()
	if !ok {
		st.Problem = "Links cannot be made outside the browser."
		return nil, nil, false, false
	}
	if r.Report == nil {
		st.Problem = "There is no report to share yet."
		return nil, nil, false, false
	}
	st.Busy = busy
	return links, r.Report, st.Redact, true
}

func (r *Root) makeLink(links ShareLinks, rep *Report, redact bool) {
	payload, note, err := packReport(rep, redact)
	if err != nil {
		r.shareFailed("Could not make a link: ", err)
		return
	}
	r.Env.Lock()
	defer r.Env.UnlockRender()
	st := r.shareState()
	st.Busy = ""
	frag := share.FragmentLinkFromPayload(payload)
	if len(frag) > share.MaxFragmentLen {
		st.Busy = "The report is too big for a plain link; making a short link…"
		go r.storeShortLink(links, payload, note)
		return
	}
	st.Link = links.PageURL() + "#" + frag
	st.Note = fmt.Sprintf("Link copied. The report travels inside the link (%s) and is never sent to a server. %s", Bytes(int64(len(st.Link))), note)
	r.Platform.CopyText(st.Link)
}

// CopyShortLink stores the report encrypted on the Worker and copies a
// short link; the key stays in the link's fragment.
func (r *Root) CopyShortLink() {
	if links, rep, redact, ok := r.startShare("Encrypting the report and storing it…"); ok {
		go func() {
			payload, note, err := packReport(rep, redact)
			if err != nil {
				r.shareFailed("Could not make a short link: ", err)
				return
			}
			r.storeShortLink(links, payload, note)
		}()
	}
}

// shareFailed ends a share attempt with its problem.
func (r *Root) shareFailed(what string, err error) {
	r.Env.Lock()
	defer r.Env.UnlockRender()
	st := r.shareState()
	st.Busy, st.Problem = "", what+err.Error()
}

func (r *Root) storeShortLink(links ShareLinks, payload []byte, note string) {
	sealed, key, err := links.Seal(payload)
	var id string
	if err == nil {
		id, err = links.PostShare(sealed)
	}
	if err != nil {
		r.shareFailed("Could not make a short link: ", err)
		return
	}
	r.Env.Lock()
	defer r.Env.UnlockRender()
	st := r.shareState()
	st.Busy = ""
	st.Link = links.PageURL() + "#" + share.ShortLink(id, key)
	st.Note = "Short link copied. The server stores only ciphertext; the key is in the link after '#', which browsers never send. " + note
	r.Platform.CopyText(st.Link)
}

// SetShareRedact is the redaction checkbox's handler.
func (r *Root) SetShareRedact(on bool) {
	st := r.shareState()
	st.Redact = on
	st.Link = "" // a link made before does not reflect the new choice
}

// OpenShareLink shows the report a link's fragment carries, read-only. An
// ordinary fragment (no share) changes nothing. Call it on a goroutine.
func (r *Root) OpenShareLink(fragment string) {
	link, err := share.ParseFragment(fragment)
	if errors.Is(err, share.ErrNoLink) {
		return
	}
	how := "fragment"
	data := link.Report
	if err == nil && link.ID != "" {
		how = "short link"
		data, err = r.fetchShortLink(link)
	}
	var rep Report
	if err == nil {
		if jerr := json.Unmarshal(data, &rep); jerr != nil {
			err = fmt.Errorf("the shared report could not be read: %w", jerr)
		}
	}
	r.Env.Lock()
	defer r.Env.UnlockRender()
	st := r.shareState()
	st.Busy = ""
	if err != nil {
		st.Problem = "Could not open the shared report: " + err.Error()
		return
	}
	st.Problem = ""
	st.Opened = how
	r.ShowReport(&rep, true)
}

func (r *Root) fetchShortLink(link share.Link) (json.RawMessage, error) {
	links, ok := r.shareLinks()
	if !ok {
		return nil, errors.New("short links need the browser")
	}
	r.Env.Lock()
	r.shareState().Busy = "Fetching and decrypting the shared report…"
	r.Env.UnlockRender()
	sealed, err := links.GetShare(link.ID)
	if err != nil {
		return nil, err
	}
	payload, err := links.Open(sealed, link.Key)
	if err != nil {
		return nil, err
	}
	return share.Unpack(payload)
}
