package deploy

import (
	"net/http"
	"testing"
)

func TestClusterSmoke(t *testing.T) {
	c := startCluster(t)
	for _, base := range []string{c.nginx, c.instances[0].Base, c.instances[1].Base} {
		resp, err := http.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		t.Logf("%s: %d %v", base, resp.StatusCode, resp.Header.Get("X-Cache-Status"))
	}
}
