package turnout

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestCheckPassword(t *testing.T) {
	ctx := context.Background()
	h, err := HashPassword(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := CheckPassword(ctx, h, "correct horse battery"); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	for _, c := range [][2]string{{h, "correct horse battery "}, {"", ""}, {"$argon2id$garbage", "x"}} {
		if ok, _ := CheckPassword(ctx, c[0], c[1]); ok {
			t.Fatalf("wrong password accepted: %q", c[1])
		}
	}
	if h2, _ := HashPassword(ctx, "correct horse battery"); h2 == h {
		t.Fatal("hashes are not salted")
	}
}

// TestPasswordHashingBound fills every hashing slot and checks that a bounded
// number of callers wait, the next is refused at once without hashing, and
// the waiters finish once slots free up.
func TestPasswordHashingBound(t *testing.T) {
	// On a busy machine 16 hashes on 4 slots can take longer than the
	// production wait; this test is about the bound, not the clock.
	saved := hashWait
	hashWait = time.Hour
	defer func() { hashWait = saved }()
	for i := 0; i < maxHashing; i++ {
		hashSlots <- struct{}{}
	}
	before := PasswordHashes()
	var wg sync.WaitGroup
	errs := make(chan error, maxHashWaiters)
	for i := 0; i < maxHashWaiters; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := HashPassword(context.Background(), "a long enough password")
			errs <- err
		}()
	}
	for hashWaiters.Load() < maxHashWaiters {
		runtime.Gosched() // until every waiter is queued
	}
	extra := make(chan error, 1)
	go func() {
		_, err := HashPassword(context.Background(), "one too many")
		extra <- err
	}()
	select {
	case err := <-extra:
		if !errors.Is(err, ErrHashBusy) {
			t.Fatalf("caller beyond the waiting bound: %v, want ErrHashBusy", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a caller beyond the waiting bound queued up instead of being refused")
	}
	if n := PasswordHashes(); n != before {
		t.Fatalf("%d hashes ran while every slot was taken", n-before)
	}
	for i := 0; i < maxHashing; i++ {
		<-hashSlots
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("waiter: %v", err)
		}
	}
	if n := PasswordHashes() - before; n != maxHashWaiters {
		t.Errorf("%d hashes after release, want %d", n, maxHashWaiters)
	}
}
