package share

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
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

var (
	// uriAuthority finds scheme://authority anywhere in a string.
	uriAuthority = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#\s"'<>\\]*)`)
	// homeDir finds a user's directory: /home/alice, /Users/alice,
	// HDFS's /user/alice, C:\Users\alice.
	homeDir = regexp.MustCompile(`(/home/|/Users/|/user/|\\Users\\)([^/\\\s"'<>?#]+)`)
)

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
	for _, m := range uriAuthority.FindAllStringSubmatch(s, -1) {
		scheme := strings.ToLower(m[1])
		user, bucket, host := splitAuthority(scheme, m[2])
		if user != "" {
			n.users[user] = true
		}
		if bucket != "" {
			n.buckets[bucket] = true
		}
		if host != "" {
			n.hosts[host] = true
		}
	}
	for _, m := range homeDir.FindAllStringSubmatch(s, -1) {
		n.users[m[2]] = true
	}
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
	s = uriAuthority.ReplaceAllStringFunc(s, func(whole string) string {
		scheme, auth, _ := strings.Cut(whole, "://")
		return scheme + "://" + r.authority(strings.ToLower(scheme), auth)
	})
	return homeDir.ReplaceAllStringFunc(s, func(whole string) string {
		m := homeDir.FindStringSubmatch(whole)
		if p, ok := r.Users[m[2]]; ok {
			return m[1] + p
		}
		return whole
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
