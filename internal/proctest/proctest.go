// Package proctest builds the turnout command and runs it as a real process,
// for tests that signal it, kill it, or put several instances behind a proxy.
package proctest

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	builtPath string
	buildErr  error
	buildOut  []byte
)

// Binary builds ./cmd/turnout once per test binary and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		gomod, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "turnout-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtPath = filepath.Join(dir, "turnout")
		cmd := exec.Command("go", "build", "-o", builtPath, "./cmd/turnout")
		cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return builtPath
}

// Buffer is a writer that tests can read while a process writes to it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Process is a running `turnout serve`.
type Process struct {
	Cmd    *exec.Cmd
	Base   string        // http://127.0.0.1:PORT
	Stderr *Buffer       // its logs
	Exited chan struct{} // closed when the process has exited
	Err    error         // its exit status, once Exited is closed
}

// Start runs `turnout serve` with env added to this process's environment
// (TURNOUT_ADDR defaults to 127.0.0.1:0) and waits until it listens. The
// test's end kills it if it still runs.
func Start(t testing.TB, env ...string) *Process {
	t.Helper()
	p := &Process{Cmd: exec.Command(Binary(t), "serve"), Stderr: &Buffer{}, Exited: make(chan struct{})}
	p.Cmd.Env = append(os.Environ(), append([]string{"TURNOUT_ADDR=127.0.0.1:0", "TURNOUT_LOG_FORMAT=json"}, env...)...)
	p.Cmd.Stderr = p.Stderr
	stdout, err := p.Cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := make(chan string, 1)
	go func() {
		listening := regexp.MustCompile(`listening on (http://\S+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				base <- m[1]
			}
		}
	}()
	go func() {
		p.Err = p.Cmd.Wait()
		close(p.Exited)
	}()
	t.Cleanup(func() { p.Kill() })
	select {
	case p.Base = <-base:
		return p
	case <-p.Exited:
		t.Fatalf("turnout exited before listening: %v\n%s", p.Err, p.Stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("turnout did not listen within 60s\n%s", p.Stderr.String())
	}
	return nil
}

// Running reports whether the process has not exited yet.
func (p *Process) Running() bool {
	select {
	case <-p.Exited:
		return false
	default:
		return true
	}
}

// Kill sends SIGKILL, as kill -9 does, and waits for the process to go.
func (p *Process) Kill() {
	_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.Exited
}

// Await polls cond until it holds, failing t after within.
func Await(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
