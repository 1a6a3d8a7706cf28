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
	// ErrOffline means the browser is offline, so the share service
	// cannot be reached.
	ErrOffline = errors.New("this browser is offline, so the share service cannot be reached; try again once it is back online (a report small enough travels inside a plain link, which needs no server)")
	// ErrUnreachable means the request got no answer while the browser
	// believes it is online.
	ErrUnreachable = errors.New("the share service did not answer: the network or the service is down; try again later")
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
	// Consent asks before anything is sent: what, and where. Nothing
	// leaves the browser until ConfirmShortLink.
	Consent string `vugu:"data"`
	SendTo  string `vugu:"data"` // the host the Send button names
	pending *pendingShare
}

// pendingShare is a short link waiting for the user's consent.
type pendingShare struct {
	links   ShareLinks
	payload []byte
	note    string
	view    string // the view the link opens on (ViewState.Encode)
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
		go r.makeLink(links, rep, redact, r.View.Encode())
	}
}

// startShare clears the share bar's last outcome, shows busy, and returns
// what a link is made of; ok is false when the bar already says why not.
func (r *Root) startShare(busy string) (links ShareLinks, rep *Report, redact bool, ok bool) {
	st := r.shareState()
	st.Problem, st.Note, st.Consent, st.pending = "", "", "", nil
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

// makeLink makes a fragment link to rep that opens on view.
func (r *Root) makeLink(links ShareLinks, rep *Report, redact bool, view string) {
	payload, note, err := packReport(rep, redact)
	if err != nil {
		r.shareFailed("Could not make a link: ", err)
		return
	}
	r.Env.Lock()
	defer r.Env.UnlockRender()
	st := r.shareState()
	st.Busy = ""
	frag := share.FragmentLink(payload)
	if len(frag) > share.MaxFragmentLen {
		r.askConsent(links, payload, note, view, "The report is too big for a link that carries it. ")
		return
	}
	st.Link = links.PageURL() + "#" + withView(frag, view)
	st.Note = fmt.Sprintf("Link copied. The report travels inside the link (%s) and is never sent to a server. %s", Bytes(int64(len(st.Link))), note)
	r.Platform.CopyText(st.Link)
}

// CopyShortLink prepares a short link and asks first: the report would be
// stored, encrypted, on the Worker (ConfirmShortLink sends it).
func (r *Root) CopyShortLink() {
	if links, rep, redact, ok := r.startShare("Compressing the report…"); ok {
		view := r.View.Encode()
		go func() {
			payload, note, err := packReport(rep, redact)
			if err != nil {
				r.shareFailed("Could not make a short link: ", err)
				return
			}
			r.Env.Lock()
			defer r.Env.UnlockRender()
			r.askConsent(links, payload, note, view, "")
		}()
	}
}

// askConsent says what a short link would send, and where, and waits for
// the second click. Call it with the render lock held.
func (r *Root) askConsent(links ShareLinks, payload []byte, note, view, why string) {
	st := r.shareState()
	st.Busy = ""
	endpoint := shareEndpoint(links.PageURL())
	st.SendTo = hostOf(endpoint)
	st.pending = &pendingShare{links, payload, note, view}
	st.Consent = fmt.Sprintf("%sNothing has been sent yet. A short link sends the report to %s, encrypted in this browser: "+
		"the server receives %s of ciphertext it cannot read, and keeps it until the link expires. "+
		"The key stays in the link, after '#', which browsers never send.", why, endpoint, Bytes(int64(len(payload)+share.SealOverhead)))
}

// ConfirmShortLink is the second click: it encrypts and sends the report
// the consent line described.
func (r *Root) ConfirmShortLink() {
	st := r.shareState()
	p := st.pending
	st.pending, st.Consent = nil, ""
	if p == nil {
		return
	}
	st.Busy = "Encrypting the report and sending it…"
	go r.storeShortLink(p.links, p.payload, p.note, p.view)
}

// CancelShortLink drops the short link waiting for consent; nothing is sent.
func (r *Root) CancelShortLink() {
	st := r.shareState()
	st.pending, st.Consent = nil, ""
	st.Note = "Nothing was sent."
}

// shareEndpoint is where a short link's ciphertext goes: the page's own
// origin's /api/shares.
func shareEndpoint(pageURL string) string {
	origin := pageURL
	if i := strings.Index(origin, "://"); i >= 0 {
		if j := strings.IndexByte(origin[i+3:], '/'); j >= 0 {
			origin = origin[:i+3+j]
		}
	}
	return origin + "/api/shares"
}

// hostOf is the host of a URL, for a button's words.
func hostOf(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		url = url[i+3:]
	}
	host, _, _ := strings.Cut(url, "/")
	return host
}

// shareFailed ends a share attempt with its problem.
func (r *Root) shareFailed(what string, err error) {
	r.Env.Lock()
	defer r.Env.UnlockRender()
	st := r.shareState()
	st.Busy, st.Problem = "", what+err.Error()
}

func (r *Root) storeShortLink(links ShareLinks, payload []byte, note, view string) {
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
	st.Link = links.PageURL() + "#" + withView(share.ShortLink(id, key), view)
	st.Note = "Short link copied. The server stores only ciphertext; the key is in the link after '#', which browsers never send. " + note
	r.Platform.CopyText(st.Link)
}

// SetShareRedact is the redaction checkbox's handler.
func (r *Root) SetShareRedact(on bool) {
	st := r.shareState()
	st.Redact = on
	st.Link = "" // a link made before does not reflect the new choice
	st.pending, st.Consent = nil, ""
}

// OpenShareLink shows the report a link's fragment carries, read-only. An
// ordinary fragment (no share) changes nothing. Call it on a goroutine.
func (r *Root) OpenShareLink(fragment string) {
	link, err := share.ParseFragment(fragment)
	if errors.Is(err, share.ErrNoLink) {
		r.followFragment(fragment)
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
	r.linkFragment, _, _ = strings.Cut(strings.TrimPrefix(fragment, "#"), "&")
	r.applyView(parseView(link.View))
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
