package main

import (
	"io"
	"sync"
)

// logWriter gathers log lines and writes them to w from one goroutine, as
// many as have arrived since its previous write: one write system call per
// burst instead of one per line. Under load that call was 8 to 12% of the
// server's CPU on pages served from memory (BENCHMARKS.md); when idle a line
// is written at once, as before. Close writes what is left; a process killed
// outright loses the lines queued at that instant (microseconds' worth).
type logWriter struct {
	w       io.Writer
	mu      sync.Mutex
	drained *sync.Cond // the writer took the buffer
	buf     []byte
	wake    chan struct{}
	done    chan struct{}
	closing bool // Close was called: the writer writes what is left, then stops
	stopped bool // the writer has stopped: Write writes directly
}

// logBufferMax bounds what waits for the writer: past it, Write waits for
// the writer instead of growing memory.
const logBufferMax = 1 << 20

func newLogWriter(w io.Writer) *logWriter {
	lw := &logWriter{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
	lw.drained = sync.NewCond(&lw.mu)
	go lw.run()
	return lw
}

// Write queues p, a whole log line (slog handlers write one line per call).
func (lw *logWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	for len(lw.buf) > logBufferMax && !lw.stopped {
		lw.signal()
		lw.drained.Wait()
	}
	if lw.stopped {
		lw.mu.Unlock()
		return lw.w.Write(p)
	}
	lw.buf = append(lw.buf, p...)
	lw.mu.Unlock()
	lw.signal()
	return len(p), nil
}

func (lw *logWriter) signal() {
	select {
	case lw.wake <- struct{}{}:
	default:
	}
}

// run writes what has gathered each time it is woken, until Close.
func (lw *logWriter) run() {
	var spare []byte
	for range lw.wake {
		lw.mu.Lock()
		out := lw.buf
		lw.buf = spare[:0]
		closing := lw.closing
		lw.drained.Broadcast()
		lw.mu.Unlock()
		if len(out) > 0 {
			_, _ = lw.w.Write(out)
		}
		spare = out
		if closing {
			lw.mu.Lock()
			if len(lw.buf) > 0 { // lines that came during the last write
				_, _ = lw.w.Write(lw.buf)
				lw.buf = nil
			}
			lw.stopped = true
			lw.drained.Broadcast()
			lw.mu.Unlock()
			close(lw.done)
			return
		}
	}
}

// Close writes every line queued so far and stops the writer; later lines
// are written directly.
func (lw *logWriter) Close() error {
	lw.mu.Lock()
	if lw.closing {
		lw.mu.Unlock()
		<-lw.done
		return nil
	}
	lw.closing = true
	lw.mu.Unlock()
	lw.signal() // a wake-up already queued serves as well
	<-lw.done
	return nil
}
