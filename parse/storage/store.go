package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Object is one listed file or folder. Path is its full URL (or absolute
// local path), spelled as the location the listing started from.
type Object struct {
	Path     string
	Size     int64
	Modified time.Time
	Dir      bool
}

// Store is one bucket, container, HDFS cluster or the local file system.
// Keys are paths inside it without a leading slash (local: absolute paths).
type Store interface {
	// List calls fn for every object under the folder key, recursively
	// (folders too, where the storage has them), in no particular order
	// and possibly from several goroutines at once.
	List(ctx context.Context, key string, fn func(Object)) error
	// Stat describes one object; an error wrapping os.ErrNotExist when there
	// is none (a folder of an object store exists when it holds objects).
	Stat(ctx context.Context, key string) (Object, error)
	// Open reads an object; the reader's ReadAt issues ranged reads.
	Open(ctx context.Context, key string) (Reader, error)
	Close() error
}

// Reader is an open object.
type Reader interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// Open connects to the storage l names: each cloud's standard credential
// chain, HADOOP_CONF_DIR for HDFS (see the README).
func Open(ctx context.Context, l Location) (Store, error) {
	switch l.Scheme {
	case "":
		return localStore{}, nil
	case "hdfs":
		return openHDFS(l)
	default:
		return openBucket(ctx, l)
	}
}

// ErrNotFound is returned (wrapped) for objects that do not exist.
var ErrNotFound = os.ErrNotExist

// notFound wraps ErrNotFound with the path asked for.
func notFound(path string) error {
	return fmt.Errorf("%s: %w", path, ErrNotFound)
}

// IsNotFound reports whether err says an object does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
