package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestLogWriterKeepsEveryLine writes lines from many goroutines, past the
// buffer's bound, and checks that after Close every line arrived whole and
// each goroutine's lines in order; a line after Close is written directly.
func TestLogWriterKeepsEveryLine(t *testing.T) {
	var out lockedBuffer
	lw := newLogWriter(&out)
	const writers, lines = 8, 5000
	pad := strings.Repeat("x", 40)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < lines; i++ {
				if _, err := fmt.Fprintf(lw, "w%d %d %s\n", w, i, pad); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(lw, "after close\n")
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(out.string(), "\n"), "\n")
	if len(got) != writers*lines+1 || got[len(got)-1] != "after close" {
		t.Fatalf("%d lines, last %q; want %d, then the line written after Close", len(got), got[len(got)-1], writers*lines+1)
	}
	for _, line := range got[:len(got)-1] {
		var w, i int
		var rest string
		if _, err := fmt.Sscanf(line, "w%d %d %s", &w, &i, &rest); err != nil || rest != pad {
			t.Fatalf("broken line %q", line)
		}
		if i != next[w] {
			t.Fatalf("writer %d: line %d after %d", w, i, next[w]-1)
		}
		next[w]++
	}
}

func (l *lockedBuffer) string() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
