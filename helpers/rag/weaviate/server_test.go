package weaviate_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests run against a real Weaviate server that they start on loopback: the binary that
// scripts/weaviate.sh builds and caches. `make test-weaviate` builds it (once) and sets GOLM_WEAVIATE_SERVER,
// and then a server that does not start fails the tests. Under a plain `go test`, the cached binary is used
// when it exists; when it does not, the tests that need a server are skipped with a message saying so.

// serverURL is the started server's REST address ("" when none was started).
var serverURL string

// noServer says why there is no server (for the skip message).
var noServer string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin, required := os.Getenv("GOLM_WEAVIATE_SERVER"), true
	if bin == "" {
		required = false
		out, err := exec.Command("sh", "../../../scripts/weaviate.sh", "--path").Output()
		bin = strings.TrimSpace(string(out))
		if err != nil || bin == "" {
			noServer = "no cached weaviate-server (scripts/weaviate.sh --path finds none): `make test-weaviate` builds it and runs these tests"
			// The examples need the server too: skip them, saying so, unless -skip was given.
			if f := flag.Lookup("test.skip"); f != nil && f.Value.String() == "" {
				f.Value.Set("^Example")
			}
			fmt.Fprintln(os.Stderr, "weaviate tests: "+noServer+"; skipping the examples")
			return m.Run()
		}
	}
	srv, err := startServer(bin)
	if err != nil {
		how := "the cached binary exists, so this is a failure"
		if required {
			how = "GOLM_WEAVIATE_SERVER is set (make test-weaviate), so this is a failure"
		}
		fmt.Fprintf(os.Stderr, "FAIL: weaviate-server %s did not start (%s): %v\n", bin, how, err)
		return 1
	}
	defer srv.stop()
	serverURL = srv.url
	os.Setenv("GOLM_WEAVIATE_URL", srv.url) // for the example
	return m.Run()
}

// needServer skips a test when no server could be started (only possible outside make test-weaviate).
func needServer(t *testing.T) string {
	t.Helper()
	if serverURL == "" {
		t.Skip(noServer)
	}
	return serverURL
}

// server is a running weaviate-server.
type server struct {
	cmd  *exec.Cmd
	url  string
	dir  string
	done chan error
	log  *bytes.Buffer
}

// freePorts returns n distinct TCP ports free on loopback now.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}

// startServer starts the binary on free loopback ports with a temporary data folder, anonymous access, no
// vectorizer modules, no telemetry and no profiling or metrics ports, and waits until it is ready (at most
// two minutes: its first start on a busy machine is slow).
func startServer(bin string) (*server, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "golm-weaviate-")
	if err != nil {
		return nil, err
	}
	p, err := freePorts(6)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &server{url: "http://127.0.0.1:" + strconv.Itoa(p[0]), dir: dir, done: make(chan error, 1), log: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "--scheme", "http", "--host", "127.0.0.1", "--port", strconv.Itoa(p[0]))
	s.cmd.Env = append(os.Environ(),
		"AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true",
		"PERSISTENCE_DATA_PATH="+filepath.Join(dir, "data"),
		"DEFAULT_VECTORIZER_MODULE=none",
		"ENABLE_MODULES=",
		"DISABLE_TELEMETRY=true",
		"GO_PROFILING_DISABLE=true",
		"PROMETHEUS_MONITORING_ENABLED=false",
		"LOG_LEVEL=warning",
		"CLUSTER_HOSTNAME=golm-test",
		"CLUSTER_BIND_ADDR=127.0.0.1",
		"CLUSTER_ADVERTISE_ADDR=127.0.0.1",
		"CLUSTER_GOSSIP_BIND_PORT="+strconv.Itoa(p[1]),
		"CLUSTER_DATA_BIND_PORT="+strconv.Itoa(p[2]),
		"RAFT_PORT="+strconv.Itoa(p[3]),
		"RAFT_INTERNAL_RPC_PORT="+strconv.Itoa(p[4]),
		"RAFT_BOOTSTRAP_EXPECT=1",
		"GRPC_PORT="+strconv.Itoa(p[5]),
	)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	go func() { s.done <- s.cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case err := <-s.done:
			os.RemoveAll(dir)
			return nil, fmt.Errorf("it exited (%v); its log:\n%s", err, tail(s.log.String(), 6000))
		case <-time.After(200 * time.Millisecond):
		}
		if ready(s.url) {
			return s, nil
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("not ready after two minutes; its log:\n%s", tail(s.log.String(), 6000))
		}
	}
}

func ready(url string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/.well-known/ready", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stop ends the server (SIGTERM, then SIGKILL after 20 s) and removes its data.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	os.RemoveAll(s.dir)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
