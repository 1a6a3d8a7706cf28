package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path"
	"strings"

	"github.com/colinmarc/hdfs/v2"
	"github.com/colinmarc/hdfs/v2/hadoopconf"
	krb "github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
)

// hdfsStore is an HDFS cluster through colinmarc/hdfs, configured as the
// hadoop command is: HADOOP_CONF_DIR (or HADOOP_HOME/etc/hadoop),
// HADOOP_USER_NAME, and a Kerberos ticket cache (KRB5CCNAME) when the
// configuration asks for Kerberos.
type hdfsStore struct {
	c   *hdfs.Client
	loc Location
}

func openHDFS(l Location) (Store, error) {
	conf, err := hadoopconf.LoadFromEnvironment()
	if err != nil {
		return nil, fmt.Errorf("reading the Hadoop configuration: %w", err)
	}
	opts := hdfs.ClientOptionsFromConf(conf)
	// A host with a port is a namenode; a bare name is a nameservice (or
	// the default file system) that the configuration resolves.
	if strings.Contains(l.Bucket, ":") {
		opts.Addresses = []string{l.Bucket}
	}
	if len(opts.Addresses) == 0 {
		return nil, fmt.Errorf("%s: no namenode address: give hdfs://HOST:PORT/ or set HADOOP_CONF_DIR", l.root)
	}
	if opts.User, err = hadoopUser(); err != nil {
		return nil, err
	}
	if opts.KerberosClient != nil {
		if opts.KerberosClient, err = kerberosClient(); err != nil {
			return nil, err
		}
	}
	c, err := hdfs.NewClient(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.root, err)
	}
	return &hdfsStore{c: c, loc: l}, nil
}

func hadoopUser() (string, error) {
	if u := os.Getenv("HADOOP_USER_NAME"); u != "" {
		return u, nil
	}
	u, err := user.Current()
	if err != nil {
		return "", fmt.Errorf("no HDFS user: set HADOOP_USER_NAME (%w)", err)
	}
	return u.Username, nil
}

// kerberosClient logs in from the ticket cache kinit wrote.
func kerberosClient() (*krb.Client, error) {
	confPath := os.Getenv("KRB5_CONFIG")
	if confPath == "" {
		confPath = "/etc/krb5.conf"
	}
	cfg, err := config.Load(confPath)
	if err != nil {
		return nil, fmt.Errorf("HDFS asks for Kerberos: reading %s: %w", confPath, err)
	}
	cache := strings.TrimPrefix(os.Getenv("KRB5CCNAME"), "FILE:")
	if cache == "" {
		cache = fmt.Sprintf("/tmp/krb5cc_%d", os.Getuid())
	}
	ccache, err := credentials.LoadCCache(cache)
	if err != nil {
		return nil, fmt.Errorf("HDFS asks for Kerberos: no ticket cache at %s (run kinit): %w", cache, err)
	}
	return krb.NewFromCCache(ccache, cfg)
}

func (s *hdfsStore) abs(key string) string { return "/" + strings.TrimPrefix(key, "/") }

// listDir lists one folder, a page of entries at a time; folders are
// entries, as hdfs dfs -ls -R prints.
func (s *hdfsStore) listDir(ctx context.Context, dir string, emit func(Object)) ([]string, error) {
	f, err := s.c.Open(s.abs(dir))
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", s.loc.Join(dir), err)
	}
	defer f.Close()
	var subdirs []string
	for ctx.Err() == nil {
		infos, err := f.Readdir(listPage)
		if err == io.EOF {
			return subdirs, nil
		}
		if err != nil {
			return subdirs, fmt.Errorf("listing %s: %w", s.loc.Join(dir), err)
		}
		for _, info := range infos {
			key := path.Join(strings.TrimPrefix(dir, "/"), info.Name())
			o := objectOf(s.loc.Join(key), info)
			emit(o)
			if o.Dir {
				subdirs = append(subdirs, key)
			}
		}
	}
	return subdirs, ctx.Err()
}

// listPage is how many entries a folder listing asks for at once (the
// namenode's own page, dfs.ls.limit, is 1,000 by default).
const listPage = 1000

func (s *hdfsStore) List(ctx context.Context, key string, fn func(Object)) error {
	return walk(ctx, key, s.listDir, fn)
}

func (s *hdfsStore) Stat(_ context.Context, key string) (Object, error) {
	info, err := s.c.Stat(s.abs(key))
	if errors.Is(err, fs.ErrNotExist) {
		return Object{}, notFound(s.loc.Join(key))
	}
	if err != nil {
		return Object{}, fmt.Errorf("%s: %w", s.loc.Join(key), err)
	}
	return objectOf(s.loc.Join(key), info), nil
}

func (s *hdfsStore) Open(_ context.Context, key string) (Reader, error) {
	f, err := s.c.Open(s.abs(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound(s.loc.Join(key))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.loc.Join(key), err)
	}
	return hdfsFile{f}, nil
}

func (s *hdfsStore) Close() error { return s.c.Close() }

type hdfsFile struct{ *hdfs.FileReader }

func (f hdfsFile) Size() int64 { return f.Stat().Size() }
