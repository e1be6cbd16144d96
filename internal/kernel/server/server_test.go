package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/golm-dev/golm/internal/kernel/history"
	"github.com/golm-dev/golm/internal/kernel/supervisor"
	"github.com/golm-dev/golm/internal/kernel/wire"
	"github.com/golm-dev/golm/internal/kernel/worker"
	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/interp"
)

// The test binary doubles as the worker process.
func TestMain(m *testing.M) {
	if os.Getenv("GOLM_TEST_WORKER") == "1" {
		if banner := os.Getenv("GOLM_TEST_WORKER_BANNER"); banner != "" {
			fmt.Fprintln(os.Stderr, banner) // output of a worker before its first cell (spare_test.go)
		}
		syms := interp.Exports{}
		for k, v := range symbols.Symbols {
			syms[k] = v
		}
		// A compiled function that exits, as a C library or a careless helper might.
		syms["golm.test/exiter/exiter"] = map[string]reflect.Value{"Exit": reflect.ValueOf(os.Exit)}
		err := worker.Run(worker.Config{Symbols: syms, Preferred: symbols.Preferred, StuckAfter: time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, "golm worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// client speaks the wire protocol to a kernel, as jupyter_client does.
type client struct {
	t                     *testing.T
	shell, control, stdin zmq4.Socket
	iopub                 zmq4.Socket
	signer                *wire.Signer
	session               string
	iopubCh               chan *wire.Message
}

func startKernel(t *testing.T, grace time.Duration, configure ...func(*Config)) (*client, *Server) {
	t.Helper()
	ports := freePorts(t, 5)
	conn := ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: ports[0], IOPubPort: ports[1], StdinPort: ports[2],
		ControlPort: ports[3], HBPort: ports[4], SignatureScheme: "hmac-sha256", Key: "test-key"}
	exe, _ := os.Executable()
	hist, _ := history.Open("")
	srv, err := New(Config{
		Conn:           conn,
		Worker:         supervisor.Options{Command: []string{exe, "-test.run=^$"}, Env: append(os.Environ(), "GOLM_TEST_WORKER=1")},
		History:        hist,
		Log:            slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		InterruptGrace: grace,
		Version:        "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range configure {
		f(&srv.cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	signer, _ := wire.NewSigner("hmac-sha256", "test-key")
	id := zmq4.WithID(zmq4.SocketIdentity("client-" + wire.NewID()[:8]))
	c := &client{t: t, signer: signer, session: wire.NewID(), iopubCh: make(chan *wire.Message, 1000),
		shell: zmq4.NewDealer(ctx, id), control: zmq4.NewDealer(ctx, id), stdin: zmq4.NewDealer(ctx, id), iopub: zmq4.NewSub(ctx)}
	dial := func(s zmq4.Socket, port int) {
		deadline := time.Now().Add(5 * time.Second)
		for {
			err := s.Dial(conn.Endpoint(port))
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	dial(c.shell, conn.ShellPort)
	dial(c.control, conn.ControlPort)
	dial(c.stdin, conn.StdinPort)
	dial(c.iopub, conn.IOPubPort)
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			msg, err := c.iopub.Recv()
			if err != nil {
				return
			}
			m, err := wire.Parse(msg.Frames, signer)
			if err != nil {
				continue
			}
			c.iopubCh <- m
		}
	}()
	// Wait until IOPub is connected: send kernel_info until its status messages arrive.
	deadline := time.Now().Add(10 * time.Second)
	for {
		id := c.send(c.shell, wire.KernelInfoRequest, map[string]any{})
		c.reply(c.shell, wire.KernelInfoReply)
		if c.waitIdle(id, 500*time.Millisecond) != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("IOPub never connected")
		}
	}
	return c, srv
}

func (c *client) send(sock zmq4.Socket, msgType string, content any) string {
	c.t.Helper()
	h := wire.NewHeader(msgType, c.session, "tester")
	frames, err := wire.Frames(nil, h, nil, nil, content, c.signer)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatal(err)
	}
	return h.MsgID
}

func (c *client) reply(sock zmq4.Socket, want string) *wire.Message {
	c.t.Helper()
	type res struct {
		m   *wire.Message
		err error
	}
	ch := make(chan res, 1)
	go func() {
		msg, err := sock.Recv()
		if err != nil {
			ch <- res{nil, err}
			return
		}
		m, err := wire.Parse(msg.Frames, c.signer)
		ch <- res{m, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			c.t.Fatal(r.err)
		}
		if r.m.Header.MsgType != want {
			c.t.Fatalf("got %s, want %s", r.m.Header.MsgType, want)
		}
		return r.m
	case <-time.After(20 * time.Second):
		c.t.Fatalf("no %s", want)
	}
	return nil
}

// waitIdle collects the IOPub messages of a request up to its idle status (nil on timeout).
func (c *client) waitIdle(msgID string, timeout time.Duration) []*wire.Message {
	var out []*wire.Message
	deadline := time.After(timeout)
	for {
		select {
		case m := <-c.iopubCh:
			if m.ParentHeader == nil || m.ParentHeader.MsgID != msgID {
				continue
			}
			out = append(out, m)
			if m.Header.MsgType == wire.StatusMsg {
				var st wire.Status
				_ = m.Decode(&st)
				if st.ExecutionState == "idle" {
					return out
				}
			}
		case <-deadline:
			return nil
		}
	}
}

func (c *client) execute(code string) (*wire.Message, []*wire.Message) {
	c.t.Helper()
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": code, "silent": false, "user_expressions": map[string]any{}, "allow_stdin": true})
	rep := c.reply(c.shell, wire.ExecuteReply)
	out := c.waitIdle(id, 20*time.Second)
	return rep, out
}

func types(ms []*wire.Message) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Header.MsgType)
	}
	return strings.Join(s, ",")
}

func content(m *wire.Message) map[string]any {
	var v map[string]any
	_ = json.Unmarshal(m.Content, &v)
	return v
}

func TestExecuteMessages(t *testing.T) {
	c, _ := startKernel(t, 0)
	rep, out := c.execute("x := 20\nfmt.Println(\"hi\")\nx * 2")
	if content(rep)["status"] != "ok" {
		t.Fatalf("reply %s", rep.Content)
	}
	if got := types(out); got != "status,execute_input,stream,execute_result,status" {
		t.Fatalf("IOPub: %s", got)
	}
	if d := content(out[3])["data"].(map[string]any)["text/plain"]; d != "40" {
		t.Fatalf("result %v", d)
	}
	rep, out = c.execute("undefinedThing()")
	if content(rep)["status"] != "error" || types(out) != "status,execute_input,error,status" {
		t.Fatalf("error cell: %s %s", rep.Content, types(out))
	}
}

func TestControlDuringCell(t *testing.T) {
	c, _ := startKernel(t, 0)
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "for { }", "silent": false})
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	c.send(c.control, wire.KernelInfoRequest, map[string]any{})
	c.reply(c.control, wire.KernelInfoReply)
	c.send(c.control, wire.InterruptRequest, map[string]any{})
	c.reply(c.control, wire.InterruptReply)
	rep := c.reply(c.shell, wire.ExecuteReply)
	if content(rep)["ename"] != "Interrupted" {
		t.Fatalf("reply %s", rep.Content)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("interrupt took %v", d)
	}
	c.waitIdle(id, 5*time.Second)
	rep, _ = c.execute("1 + 1")
	if content(rep)["status"] != "ok" {
		t.Fatalf("after interrupt: %s", rep.Content)
	}
}

func TestBadSignatureIsDropped(t *testing.T) {
	c, _ := startKernel(t, 0)
	evil, _ := wire.NewSigner("hmac-sha256", "wrong-key")
	h := wire.NewHeader(wire.ExecuteRequest, c.session, "mallory")
	frames, _ := wire.Frames(nil, h, nil, nil, map[string]any{"code": `os.WriteFile("/tmp/golm-pwned", nil, 0o600)`}, evil)
	_ = c.shell.SendMulti(zmq4.NewMsgFrom(frames...))
	_ = c.shell.SendMulti(zmq4.NewMsgFrom([]byte("garbage"), []byte("<IDS|MSG>")))
	_ = c.shell.SendMulti(zmq4.NewMsgFrom([]byte("<IDS|MSG>"), []byte("sig"), []byte("{"), []byte("{}"), []byte("{}"), []byte("{}")))
	// The kernel still answers, and the forged cell never ran.
	rep, _ := c.execute(`_, err := os.Stat("/tmp/golm-pwned")
os.IsNotExist(err)`)
	if content(rep)["status"] != "ok" {
		t.Fatal(rep.Content)
	}
	if _, err := os.Stat("/tmp/golm-pwned"); err == nil {
		os.Remove("/tmp/golm-pwned")
		t.Fatal("a message with a bad signature was executed")
	}
}

func TestInputRequest(t *testing.T) {
	c, _ := startKernel(t, 0)
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "name, _ := display.Input(ctx, \"Name? \")\n\"hi \" + name", "allow_stdin": true})
	req := c.reply(c.stdin, wire.InputRequest)
	if content(req)["prompt"] != "Name? " {
		t.Fatalf("input_request %s", req.Content)
	}
	c.send(c.stdin, wire.InputReply, map[string]any{"value": "Ada"})
	c.reply(c.shell, wire.ExecuteReply)
	out := c.waitIdle(id, 10*time.Second)
	found := false
	for _, m := range out {
		if m.Header.MsgType == wire.ExecuteResultMsg && strings.Contains(string(m.Content), `hi Ada`) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no result with the answer: %s", types(out))
	}
	// Without allow_stdin, input fails with a clear error instead of hanging.
	id = c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "_, err := display.Input(ctx, \"x\")\nerr", "allow_stdin": false})
	c.reply(c.shell, wire.ExecuteReply)
	out = c.waitIdle(id, 10*time.Second)
	if len(out) < 3 || !strings.Contains(string(out[len(out)-2].Content), "input is not available") {
		t.Fatalf("no clear error: %s", types(out))
	}
}

func TestCommOpenUnknownTargetIsClosed(t *testing.T) {
	c, _ := startKernel(t, 0)
	id := c.send(c.shell, wire.CommOpen, map[string]any{"comm_id": "c1", "target_name": "nope", "data": map[string]any{}})
	out := c.waitIdle(id, 5*time.Second)
	if !strings.Contains(types(out), "comm_close") {
		t.Fatalf("IOPub: %s", types(out))
	}
	c.send(c.shell, wire.CommInfoRequest, map[string]any{})
	rep := c.reply(c.shell, wire.CommInfoReply)
	if content(rep)["status"] != "ok" {
		t.Fatal(rep.Content)
	}
}

func TestStopOnErrorAbortsQueued(t *testing.T) {
	c, _ := startKernel(t, 0)
	c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "time.Sleep(200*time.Millisecond)\npanic(1)"})
	c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "fmt.Println(\"must not run\")"})
	first := c.reply(c.shell, wire.ExecuteReply)
	second := c.reply(c.shell, wire.ExecuteReply)
	if content(first)["status"] != "error" || content(second)["status"] != "aborted" {
		t.Fatalf("replies %s / %s", first.Content, second.Content)
	}
}

func TestCrashRestartsSession(t *testing.T) {
	c, _ := startKernel(t, 0)
	c.execute("x := 1")
	// A goroutine started as go f(): its panic ends the session (see TestGoroutinePanicKeepsSession for one
	// started with a function literal).
	rep, out := c.execute("func lose() { panic(\"lost\") }\ngo lose()\ntime.Sleep(time.Second)")
	if content(rep)["ename"] != "SessionCrashed" || !strings.Contains(string(rep.Content), "restarted") {
		t.Fatalf("reply %s", rep.Content)
	}
	if n := strings.Count(types(out), "error"); n != 1 {
		t.Fatalf("%d error messages: %s", n, types(out))
	}
	rep, _ = c.execute("2 + 2")
	if content(rep)["status"] != "ok" {
		t.Fatalf("after crash: %s", rep.Content)
	}
}

// crashReport returns the error a cell's reply and its error message give, both must be the same.
func crashReport(t *testing.T, rep *wire.Message, out []*wire.Message) (evalue, traceback string) {
	t.Helper()
	var errs []*wire.Message
	for _, m := range out {
		if m.Header.MsgType == wire.ErrorMsg {
			errs = append(errs, m)
		}
	}
	if content(rep)["ename"] != "SessionCrashed" || len(errs) != 1 || content(errs[0])["evalue"] != content(rep)["evalue"] {
		t.Fatalf("reply %s, outputs %s", rep.Content, types(out))
	}
	return fmt.Sprint(content(rep)["evalue"]), fmt.Sprint(content(errs[0])["traceback"])
}

// TestCrashSaysWhy checks that a worker that exits in a cell, or between cells, is reported to the cell with
// its exit status and the last lines of its standard error, and that the next cell runs in a fresh session.
func TestCrashSaysWhy(t *testing.T) {
	c, _ := startKernel(t, 0)
	c.execute("x := 1")
	rep, out := c.execute("import \"golm.test/exiter\"\nfmt.Fprintln(os.Stderr, \"the last words\")\nexiter.Exit(0)")
	evalue, tb := crashReport(t, rep, out)
	if !strings.Contains(evalue, "exit status 0") || !strings.Contains(evalue, "restarted") ||
		!strings.Contains(tb, "standard error") || !strings.Contains(tb, "    the last words") {
		t.Fatalf("evalue %q\ntraceback %q", evalue, tb)
	}
	rep, out = c.execute("x")
	if content(rep)["status"] != "error" || content(rep)["ename"] == "SessionCrashed" {
		t.Fatalf("the next cell, in a fresh session: %s %s", rep.Content, types(out))
	}

	// Between cells: a goroutine exits the process after its cell has finished.
	rep, _ = c.execute("import \"golm.test/exiter\"\ngo func() { time.Sleep(200 * time.Millisecond); fmt.Fprintln(os.Stderr, \"gone\"); exiter.Exit(3) }()")
	if content(rep)["status"] != "ok" {
		t.Fatalf("reply %s", rep.Content)
	}
	time.Sleep(time.Second)
	rep, out = c.execute("y := 2")
	evalue, tb = crashReport(t, rep, out)
	if !strings.Contains(evalue, "ended after the last cell") || !strings.Contains(evalue, "exit status 3") || !strings.Contains(tb, "    gone") {
		t.Fatalf("evalue %q\ntraceback %q", evalue, tb)
	}
	rep, out = c.execute("z := 3\nz")
	if content(rep)["status"] != "ok" || fmt.Sprint(resultTexts(out)) != "[3]" {
		t.Fatalf("after the crash: %s %s", rep.Content, types(out))
	}
}

func TestGoroutinePanicKeepsSession(t *testing.T) {
	c, _ := startKernel(t, 0)
	c.execute("x := 1")
	rep, out := c.execute("go func() { panic(\"lost\") }()\ntime.Sleep(300 * time.Millisecond)")
	if content(rep)["status"] != "ok" {
		t.Fatalf("reply %s", rep.Content)
	}
	var stderr string
	for _, m := range out {
		if m.Header.MsgType == "stream" && content(m)["name"] == "stderr" {
			stderr += content(m)["text"].(string)
		}
	}
	if !strings.Contains(stderr, "panic in a goroutine: lost") || !strings.Contains(stderr, "The session goes on") {
		t.Errorf("stderr %q", stderr)
	}
	rep, out = c.execute("x + 1")
	if content(rep)["status"] != "ok" || !strings.Contains(fmt.Sprint(resultTexts(out)), "2") {
		t.Fatalf("after the panic: %s %s", rep.Content, types(out))
	}
}

// resultTexts collects the text/plain of execute_result messages.
func resultTexts(ms []*wire.Message) []string {
	var r []string
	for _, m := range ms {
		if m.Header.MsgType == "execute_result" {
			if d, ok := content(m)["data"].(map[string]any); ok {
				r = append(r, fmt.Sprint(d["text/plain"]))
			}
		}
	}
	return r
}

func TestUnstoppableCellRestartsAfterGrace(t *testing.T) {
	c, _ := startKernel(t, 500*time.Millisecond)
	c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "time.Sleep(time.Hour)"})
	time.Sleep(300 * time.Millisecond)
	c.send(c.control, wire.InterruptRequest, map[string]any{})
	c.reply(c.control, wire.InterruptReply)
	rep := c.reply(c.shell, wire.ExecuteReply)
	if !strings.Contains(string(rep.Content), "restarted") {
		t.Fatalf("reply %s", rep.Content)
	}
	rep, _ = c.execute("1")
	if content(rep)["status"] != "ok" {
		t.Fatalf("after restart: %s", rep.Content)
	}
}

func TestResetMagic(t *testing.T) {
	c, _ := startKernel(t, 0)
	c.execute("keep := 1")
	rep, out := c.execute("%reset")
	t.Logf("reset: %s %s", rep.Content, types(out))
	rep, out = c.execute("keep")
	t.Logf("keep: %s %s", rep.Content, types(out))
	if content(rep)["status"] != "error" {
		t.Fatalf("variable survived %%reset: %s", rep.Content)
	}
}

func TestShutdownOnControl(t *testing.T) {
	c, srv := startKernel(t, 0)
	c.send(c.control, wire.ShutdownRequest, map[string]any{"restart": false})
	rep := c.reply(c.control, wire.ShutdownReply)
	if content(rep)["status"] != "ok" {
		t.Fatal(rep.Content)
	}
	select {
	case <-srv.done:
	case <-time.After(5 * time.Second):
		t.Fatal("kernel did not shut down")
	}
}

// TestShutdownDuringCell: a shutdown request while a cell runs (what a notebook runner sends when a cell runs
// past its time limit) stops the cell with a message that says so, not as a crash, and starts no new session.
func TestShutdownDuringCell(t *testing.T) {
	c, srv := startKernel(t, 0)
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "time.Sleep(time.Minute)", "silent": false})
	time.Sleep(500 * time.Millisecond)
	c.send(c.control, wire.ShutdownRequest, map[string]any{"restart": false})
	c.reply(c.control, wire.ShutdownReply)
	rep := c.reply(c.shell, wire.ExecuteReply)
	if content(rep)["ename"] != "KernelShutdown" || !strings.Contains(fmt.Sprint(content(rep)["evalue"]), "shut down while the cell ran") {
		t.Fatalf("reply %s", rep.Content)
	}
	for _, m := range c.waitIdle(id, 2*time.Second) {
		if m.Header.MsgType == wire.ErrorMsg && content(m)["ename"] != "KernelShutdown" {
			t.Fatalf("error message %s", m.Content)
		}
	}
	time.Sleep(300 * time.Millisecond)
	srv.mu.Lock()
	p := srv.proc
	srv.mu.Unlock()
	if p != nil && p.Crash() == nil {
		t.Fatal("a new session was started while the kernel shut down")
	}
}
