package share

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Redaction tells which names Redact replaced, by placeholder. The page
// shows the counts; the mapping itself never leaves the browser.
type Redaction struct {
	Buckets map[string]string // original → placeholder, e.g. "prod-ckpt" → "bucket-1"
	Hosts   map[string]string
	Users   map[string]string
}

// Count is the number of distinct names replaced.
func (r *Redaction) Count() int { return len(r.Buckets) + len(r.Hosts) + len(r.Users) }

func (r *Redaction) String() string {
	return fmt.Sprintf("%d bucket(s), %d host(s), %d user name(s) replaced", len(r.Buckets), len(r.Hosts), len(r.Users))
}

// The names are found by two small scanners rather than regexp, which would
// be the page's only user of it (about 70 KB of its compressed wasm).

// uriAuthorities calls f for every scheme://authority in s, left to right,
// with the match s[start:end] and its scheme s[start:schemeEnd]: the scheme
// is a letter and then letters, digits, "+", "-" and "."; the authority
// runs up to "/", "?", "#", white space, a quote, "<", ">" or "\\".
func uriAuthorities(s string, f func(start, schemeEnd, end int)) {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			continue
		}
		k := i + 1
		for k < len(s) && (isLetter(s[k]) || isDigit(s[k]) || s[k] == '+' || s[k] == '-' || s[k] == '.') {
			k++
		}
		if !strings.HasPrefix(s[k:], "://") {
			i = k // every start inside the run ends at the same k
			continue
		}
		end := k + 3
		for end < len(s) && !strings.ContainsRune("/?#\t\n\f\r \"'<>\\", rune(s[end])) {
			end++
		}
		f(i, k, end)
		i = end - 1
	}
}

// homeDirs calls f for every user's directory in s (/home/alice,
// /Users/alice, HDFS's /user/alice, C:\Users\alice), left to right, with
// the match s[start:end] and the user name s[nameStart:end].
func homeDirs(s string, f func(start, nameStart, end int)) {
	for i := 0; i < len(s); i++ {
		if s[i] != '/' && s[i] != '\\' {
			continue
		}
		var prefix string
		for _, p := range [...]string{"/home/", "/Users/", "/user/", `\Users\`} {
			if strings.HasPrefix(s[i:], p) {
				prefix = p
				break
			}
		}
		if prefix == "" {
			continue
		}
		name := i + len(prefix)
		end := name
		for end < len(s) && !strings.ContainsRune("/\\\t\n\f\r \"'<>?#", rune(s[end])) {
			end++
		}
		if end > name {
			f(i, name, end)
			i = end - 1
		}
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// replaceMatches rebuilds s with each match s[start:end] that each finds
// replaced by with(start, mid, end).
func replaceMatches(s string, each func(string, func(start, mid, end int)), with func(start, mid, end int) string) string {
	var out strings.Builder
	last := 0
	each(s, func(start, mid, end int) {
		out.WriteString(s[last:start])
		out.WriteString(with(start, mid, end))
		last = end
	})
	if last == 0 {
		return s
	}
	out.WriteString(s[last:])
	return out.String()
}

// bucketSchemes name object stores whose authority is a bucket, not a host.
var bucketSchemes = map[string]bool{
	"s3": true, "s3a": true, "s3n": true, "s3p": true, "gs": true, "oss": true,
	"cos": true, "cosn": true, "obs": true, "r2": true, "minio": true,
}

// containerSchemes are Azure's container@account.host form.
var containerSchemes = map[string]bool{"abfs": true, "abfss": true, "wasb": true, "wasbs": true}

// Redact replaces, in every string and object key of the JSON document js,
// the bucket, host and user names of storage locations with placeholders
// (bucket-1, host-1, user-1). The same name gets the same placeholder
// everywhere, numbered in sorted order so the result is deterministic;
// schemes, ports and the paths below the bucket keep their shape, so the
// report still shows which folders are shared, exclusive or foreign.
func Redact(js json.RawMessage) (json.RawMessage, *Redaction, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber() // sizes must survive byte-exact
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("share: redact: report is not JSON: %w", err)
	}
	names := &nameSet{buckets: map[string]bool{}, hosts: map[string]bool{}, users: map[string]bool{}}
	walkStrings(doc, names.collect)
	r := &Redaction{
		Buckets: placeholders(names.buckets, "bucket"),
		Hosts:   placeholders(names.hosts, "host"),
		Users:   placeholders(names.users, "user"),
	}
	out := mapStrings(doc, r.apply)
	b, err := json.Marshal(out)
	if err != nil {
		return nil, nil, err
	}
	return b, r, nil
}

type nameSet struct{ buckets, hosts, users map[string]bool }

func (n *nameSet) collect(s string) {
	uriAuthorities(s, func(start, schemeEnd, end int) {
		scheme := strings.ToLower(s[start:schemeEnd])
		user, bucket, host := splitAuthority(scheme, s[schemeEnd+len("://"):end])
		if user != "" {
			n.users[user] = true
		}
		if bucket != "" {
			n.buckets[bucket] = true
		}
		if host != "" {
			n.hosts[host] = true
		}
	})
	homeDirs(s, func(_, name, end int) { n.users[s[name:end]] = true })
}

// splitAuthority names the parts of an authority (port excluded).
func splitAuthority(scheme, auth string) (user, bucket, host string) {
	userinfo, hostport, hasUser := strings.Cut(auth, "@")
	if !hasUser {
		hostport, userinfo = userinfo, ""
	}
	hostname := hostOnly(hostport)
	switch {
	case containerSchemes[scheme]:
		return "", userinfo, hostname
	case bucketSchemes[scheme]:
		return userOnly(userinfo), hostname, ""
	default:
		return userOnly(userinfo), "", hostname
	}
}

func userOnly(userinfo string) string {
	u, _, _ := strings.Cut(userinfo, ":")
	return u
}

func hostOnly(hostport string) string {
	if strings.HasPrefix(hostport, "[") { // IPv6 literal
		if i := strings.Index(hostport, "]"); i >= 0 {
			return hostport[:i+1]
		}
		return hostport
	}
	h, _, _ := strings.Cut(hostport, ":")
	return h
}

func placeholders(set map[string]bool, kind string) map[string]string {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	m := make(map[string]string, len(names))
	for i, n := range names {
		m[n] = fmt.Sprintf("%s-%d", kind, i+1)
	}
	return m
}

func (r *Redaction) apply(s string) string {
	s = replaceMatches(s, uriAuthorities, func(start, schemeEnd, end int) string {
		scheme := s[start:schemeEnd]
		return scheme + "://" + r.authority(strings.ToLower(scheme), s[schemeEnd+len("://"):end])
	})
	return replaceMatches(s, homeDirs, func(start, name, end int) string {
		if p, ok := r.Users[s[name:end]]; ok {
			return s[start:name] + p
		}
		return s[start:end]
	})
}

// authority rewrites one authority, keeping ports and dropping passwords.
func (r *Redaction) authority(scheme, auth string) string {
	userinfo, hostport, hasUser := strings.Cut(auth, "@")
	if !hasUser {
		hostport, userinfo = userinfo, ""
	}
	hostname := hostOnly(hostport)
	port := hostport[len(hostname):]
	var out strings.Builder
	if hasUser {
		if containerSchemes[scheme] {
			out.WriteString(r.Buckets[userinfo])
		} else {
			out.WriteString(r.Users[userOnly(userinfo)])
		}
		out.WriteByte('@')
	}
	switch {
	case hostname == "":
	case bucketSchemes[scheme]:
		out.WriteString(r.Buckets[hostname])
	default:
		out.WriteString(r.Hosts[hostname])
	}
	out.WriteString(port)
	return out.String()
}

func walkStrings(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case []any:
		for _, e := range v {
			walkStrings(e, f)
		}
	case map[string]any:
		for k, e := range v {
			f(k)
			walkStrings(e, f)
		}
	}
}

func mapStrings(v any, f func(string) string) any {
	switch v := v.(type) {
	case string:
		return f(v)
	case []any:
		for i, e := range v {
			v[i] = mapStrings(e, f)
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[f(k)] = mapStrings(e, f)
		}
		return out
	default:
		return v
	}
}
