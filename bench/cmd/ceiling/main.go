// Command ceiling is the smallest Fiber server: it answers every GET with a
// fixed body, either two bytes ("ok") or the bytes of a file such as a feed
// fetched from Turnout. Benchmarks measure it on the same machine, with the
// same load, to know how fast any Fiber handler could possibly go here.
//
// It prints "listening on http://HOST:PORT" and serves until interrupted.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/gofiber/fiber/v2"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ceiling:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	bodyFile := flag.String("body", "", "file whose bytes every response carries (default: the 2 bytes \"ok\")")
	contentType := flag.String("type", "text/plain; charset=utf-8", "Content-Type of the responses")
	flag.Parse()
	body := []byte("ok")
	if *bodyFile != "" {
		b, err := os.ReadFile(*bodyFile)
		if err != nil {
			return err
		}
		body = b
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/*", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, *contentType)
		return c.Send(body)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = app.Shutdown()
	}()
	return app.Listener(ln)
}
