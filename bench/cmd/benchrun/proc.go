package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a server started by the harness: Turnout or a ceiling program.
type process struct {
	name string
	cmd  *exec.Cmd
	url  string // http://127.0.0.1:PORT
	done chan error
}

// startProcess runs bin with env added to ours, logging its stderr to
// logPath, and waits until it prints a line containing "listening on" and a
// URL, for at most a minute.
func startProcess(ctx context.Context, name, bin string, args, env []string, logPath string) (*process, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, "http://"); i >= 0 && strings.Contains(line, "listening on") {
				select {
				case found <- strings.Fields(line[i:])[0]:
				default:
				}
			}
		}
	}()
	go func() { p.done <- cmd.Wait(); logf.Close() }()
	select {
	case p.url = <-found:
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("%s exited before listening (%v); see %s", name, err, logPath)
	case <-time.After(time.Minute):
	case <-ctx.Done():
	}
	p.stop()
	return nil, fmt.Errorf("%s did not start listening in time; see %s", name, logPath)
}

// pid is the process id, for /proc.
func (p *process) pid() int { return p.cmd.Process.Pid }

// stop interrupts the process and waits for it, killing it after 20 seconds.
func (p *process) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// memStatus reads VmRSS and VmHWM (peak RSS) of pid, in bytes.
func memStatus(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, perr := strconv.ParseInt(f[1], 10, 64)
		if perr != nil {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			rss = kb * 1024
		case "VmHWM:":
			hwm = kb * 1024
		}
	}
	if rss == 0 || hwm == 0 {
		return 0, 0, errors.New("VmRSS or VmHWM missing from /proc status")
	}
	return rss, hwm, nil
}

// resetPeak sets VmHWM back to the current RSS (Linux clear_refs value 5), so
// that the next reading is the peak of one scenario. It reports whether the
// kernel allowed it; if not, peaks are cumulative since the start.
func resetPeak(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// freeAddr finds a free port on 127.0.0.1 for a server that must know its
// own address (Turnout derives its base URL from TURNOUT_ADDR).
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// cpuTicks is the user and system time of pid, in clock ticks.
func cpuTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	return utime + stime, err1 == nil && err2 == nil
}

// settle waits, for at most a minute, until the previous load has drained:
// the process uses under a tenth of a core and busy() reports no work left
// (requests still queued when wrk stopped, such as slow queries, would
// otherwise run into the next load and spoil its latencies).
func settle(ctx context.Context, pid int, busy func() int) {
	deadline := time.Now().Add(time.Minute)
	last, _ := cpuTicks(pid)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(500 * time.Millisecond)
		now, ok := cpuTicks(pid)
		quiet := !ok || now-last <= 5 // 5 ticks of 10 ms in 500 ms: a tenth of a core
		last = now
		if quiet && (busy == nil || busy() == 0) {
			return
		}
	}
	logf("the previous load had not drained after a minute; going on")
}
