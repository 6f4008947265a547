// Package deploy holds the nginx configuration shipped for running several
// Turnout instances behind a caching proxy, and the test that runs it.
package deploy

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/proctest"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// need skips the test when a tool or the Postgres URL is missing, except
// under CI=true, where a missing part fails it.
func need(t *testing.T, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing, and CI=true requires it", what)
	}
	t.Skipf("skipped: %s is missing", what)
}

// freePorts returns n loopback ports that were free a moment ago, all held
// at once so that they differ from each other.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// turnoutCmd runs the turnout binary with a subcommand and returns stdout.
func turnoutCmd(t *testing.T, env []string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(proctest.Binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("turnout %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

// nginxConf rewrites the shipped nginx.conf for a test: loopback port,
// these upstreams, files under dir, one worker.
func nginxConf(t *testing.T, port int, upstreams []string, dir string) string {
	t.Helper()
	raw, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := string(raw)
	replace := func(old, new string) {
		if !strings.Contains(conf, old) {
			t.Fatalf("nginx.conf no longer contains %q: update the test", old)
		}
		conf = strings.Replace(conf, old, new, 1)
	}
	replace("listen 80;", fmt.Sprintf("listen 127.0.0.1:%d;", port))
	replace("worker_processes auto;", "worker_processes 1;")
	replace("/var/cache/nginx/turnout", filepath.Join(dir, "cache"))
	replace("/var/log/nginx/turnout.access.log", filepath.Join(dir, "access.log"))
	replace("/var/log/nginx/turnout.error.log", filepath.Join(dir, "error.log"))
	servers := regexp.MustCompile(`(?m)^\s*server 127\.0\.0\.1:300\d[^\n]*\n`)
	if len(servers.FindAllString(conf, -1)) != 2 {
		t.Fatal("nginx.conf: expected two upstream server lines")
	}
	var lines []string
	for _, u := range upstreams {
		lines = append(lines, "        server "+u+" max_fails=3 fail_timeout=10s;\n")
	}
	first := true
	conf = servers.ReplaceAllStringFunc(conf, func(string) string {
		if first {
			first = false
			return strings.Join(lines, "")
		}
		return ""
	})
	return conf
}

// startNginx runs nginx with the shipped configuration on port in front of
// upstreams and returns its base URL; the test's end stops it.
func startNginx(t *testing.T, port int, upstreams []string) string {
	t.Helper()
	path, err := exec.LookPath("nginx")
	need(t, "nginx", err == nil)
	dir := t.TempDir()
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(nginxConf(t, port, upstreams, dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	global := "daemon off; master_process on; pid " + filepath.Join(dir, "nginx.pid") + ";"
	if os.Geteuid() == 0 {
		global += " user root;" // workers must write the cache under the test's private temp dir
	}
	cmd := exec.Command(path, "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", confPath, "-g", global)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	proctest.Await(t, "nginx to answer", 15*time.Second, func() bool {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx exited: %v\n%s\n%s", err, stderr.String(), log)
		default:
		}
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		if resp.StatusCode == 200 && resp.Header.Get("Server") != "nginx" {
			t.Fatalf("something other than nginx answers on %s", base)
		}
		return resp.StatusCode == 200
	})
	return base
}

// cluster is two Turnout instances on one Postgres behind nginx.
type cluster struct {
	nginx     string
	instances []*proctest.Process
	token     string // API token of the organiser of group "scale"
	email     string
	password  string
}

// metricsToken is the instances' TURNOUT_METRICS_TOKEN.
const metricsToken = "deploy-test-metrics-token-0123456789"

// startCluster migrates a fresh Postgres schema, adds an organiser, and
// starts two instances and nginx. extraEnv is added to both instances.
func startCluster(t *testing.T, extraEnv ...string) *cluster {
	t.Helper()
	target, ok := storetest.PostgresTarget(t)
	need(t, storetest.EnvPostgres, ok)
	if _, err := exec.LookPath("nginx"); err != nil {
		need(t, "nginx", false)
	}
	c := &cluster{email: "scale@example.org", password: "a long enough password"}
	env := []string{"TURNOUT_DATABASE_URL=" + target.URL}
	turnoutCmd(t, env, "", "migrate")
	out := turnoutCmd(t, env, c.password+"\n", "organiser", "add", "--email", c.email, "--name", "Scale Organiser", "--group", "scale", "--group-name", "Scale", "--password-stdin")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	c.token = lines[len(lines)-1]
	ports := freePorts(t, 3) // nginx, then the instances: chosen together so none collide
	nginxPort := ports[0]
	env = append(env, fmt.Sprintf("TURNOUT_BASE_URL=http://127.0.0.1:%d", nginxPort), "TURNOUT_TRUSTED_PROXIES=127.0.0.1",
		"TURNOUT_METRICS_TOKEN="+metricsToken)
	env = append(env, extraEnv...)
	var upstreams []string
	for i := 0; i < 2; i++ {
		p := proctest.Start(t, append(env, fmt.Sprintf("TURNOUT_ADDR=127.0.0.1:%d", ports[1+i]))...)
		c.instances = append(c.instances, p)
		upstreams = append(upstreams, strings.TrimPrefix(p.Base, "http://"))
	}
	c.nginx = startNginx(t, nginxPort, upstreams)
	return c
}
