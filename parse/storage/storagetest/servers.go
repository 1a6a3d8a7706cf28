package storagetest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
)

// Server is a storage server running for a test.
type Server struct {
	Name string
	// Env is what ckptlens needs in its environment to reach the server.
	Env map[string]string
	// Root is the URL of an empty bucket (or folder) on it, ending in "/".
	Root    string
	Started time.Duration // from launch to answering
	cmd     *exec.Cmd
	stdin   io.WriteCloser
}

// Stop ends the server and waits for it.
func (s *Server) Stop() {
	if s == nil || s.cmd == nil {
		return
	}
	if s.stdin != nil {
		s.stdin.Close()
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// Cache is where servers.sh installs the servers.
func Cache() string {
	if d := os.Getenv("CKPTLENS_CACHE"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "ckptlens")
}

// Install runs testdata/storage/servers.sh install for the servers named;
// it returns at once when they are installed already.
func Install(names ...string) error {
	root, err := fixtures.RepoRoot()
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(root, "testdata", "storage", "servers.sh"), append([]string{"install"}, names...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("servers.sh install %s: %v\n%s", strings.Join(names, " "), err, out)
	}
	return nil
}

// freePort is a loopback port free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// launch starts a server process, its output in log.
func launch(name string, logPath string, prog string, args ...string) (*Server, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(prog, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	return &Server{Name: name, cmd: cmd, stdin: stdin, Env: map[string]string{}}, nil
}

// waitHTTP waits until url answers at all (any status), or the process
// exits, or the time is up.
func (s *Server) waitHTTP(url, logPath string, within time.Duration) error {
	start := time.Now()
	exited := make(chan error, 1)
	go func() { _, err := s.cmd.Process.Wait(); exited <- err }()
	for time.Since(start) < within {
		select {
		case <-exited:
			return fmt.Errorf("%s exited while starting; its log:\n%s", s.Name, tail(logPath))
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			s.Started = time.Since(start)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Stop()
	return fmt.Errorf("%s did not answer %s within %s; its log:\n%s", s.Name, url, within, tail(logPath))
}

// waitLine waits for a line starting with prefix on the process's output
// (read from a pipe) and returns the rest of it.
func waitLine(ctx context.Context, r io.Reader, prefix string) (string, error) {
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				found <- rest
				break
			}
		}
		io.Copy(io.Discard, r)
		close(found)
	}()
	select {
	case rest, ok := <-found:
		if !ok {
			return "", fmt.Errorf("the output ended before %q", prefix)
		}
		return rest, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func tail(logPath string) string {
	b, _ := os.ReadFile(logPath)
	return string(b[max(0, len(b)-3000):])
}
