package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/turnout-org/turnout/internal/config"
)

// startPprof serves Go's runtime profiles on cfg.PprofAddr, a loopback
// address (config refuses any other), when TURNOUT_PPROF_ADDR is set. It is
// for profiling under load, e.g.
//
//	go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=10
//
// and returns a function that stops the listener.
func startPprof(cfg config.Config, log *slog.Logger) (stop func()) {
	if cfg.PprofAddr == "" {
		return func() {}
	}
	ln, err := net.Listen("tcp", cfg.PprofAddr)
	if err != nil {
		log.Error("pprof listener", "addr", cfg.PprofAddr, "err", err)
		return func() {}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("pprof listening", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }
}
