"""Records every API call the lessons make, for workshop/costs (what the API costs per learner).

Runs each lesson notebook as test/notebooks/run_notebooks.py does in fake mode, but with a recording proxy
between the kernel and the fake OpenAI server: each request (endpoint, model, messages or prompt, token limit)
and the text of its answer (assembled from the stream for streamed calls) is appended as one JSON line to
build/calls/NAME.jsonl. `go run ./workshop/costs build/calls/*.jsonl` then counts the tokens and prices them.

    JUPYTER_PATH=build/jupyter XDG_DATA_HOME=build/xdg python3 test/workshop/record_calls.py [NAME...]
"""

import http.server
import json
import sys
import threading
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "notebooks"))

import run_notebooks  # noqa: E402

OUT = ROOT / "build" / "calls"


def answer_text(body, content_type):
    """The text of an answer: the message or completion text, or the stream's pieces joined."""
    def of(obj):
        parts = []
        for ch in obj.get("choices", []):
            if "text" in ch:
                parts.append(ch.get("text") or "")
            msg = ch.get("message") or ch.get("delta") or {}
            parts.append(msg.get("content") or "")
            for tc in msg.get("tool_calls") or []:
                fn = tc.get("function") or {}
                parts.append((fn.get("name") or "") + (fn.get("arguments") or ""))
        if "output" in obj:  # Responses API
            for item in obj["output"]:
                for c in item.get("content") or []:
                    parts.append(c.get("text") or "")
        return "".join(parts)

    text = body.decode("utf-8", "replace")
    if "text/event-stream" in content_type:
        out = []
        for line in text.splitlines():
            if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
                try:
                    out.append(of(json.loads(line[5:])))
                except ValueError:
                    pass
        return "".join(out)
    try:
        return of(json.loads(text))
    except ValueError:
        return ""


def start_proxy(upstream, log_path):
    """A recording proxy in front of upstream (a base URL ending in /v1); returns (server, its base URL)."""
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def forward(self, method):
            n = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(n) if n else None
            path = self.path[len("/v1"):] if self.path.startswith("/v1") else self.path
            req = urllib.request.Request(upstream + path, data=data, method=method,
                                         headers={k: v for k, v in self.headers.items()
                                                  if k.lower() in ("content-type", "authorization", "accept")})
            try:
                resp = urllib.request.urlopen(req, timeout=120)
                status, headers, body = resp.status, resp.headers, resp.read()
            except urllib.error.HTTPError as e:
                status, headers, body = e.code, e.headers, e.read()
            if data and method == "POST":
                try:
                    request = json.loads(data)
                except ValueError:
                    request = {}
                rec = {"endpoint": path, "status": status, "model": request.get("model"),
                       "messages": request.get("messages"), "prompt": request.get("prompt"),
                       "input": request.get("input"), "instructions": request.get("instructions"),
                       "tools": json.dumps(request.get("tools")) if request.get("tools") else "",
                       "max_tokens": request.get("max_tokens") or request.get("max_completion_tokens"),
                       "n": request.get("n") or 1,
                       "answer": answer_text(body, headers.get("Content-Type", ""))}
                with lock, open(log_path, "a") as f:
                    f.write(json.dumps(rec) + "\n")
            self.send_response(status)
            for k, v in headers.items():
                if k.lower() not in ("transfer-encoding", "content-length", "connection"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.forward("GET")

        def do_POST(self):
            self.forward("POST")

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}/v1"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    names = sys.argv[1:]
    paths = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if p.stem in run_notebooks.API_LESSONS]
    if names:
        paths = [p for p in paths if p.stem in names]
    original = run_notebooks.start_fake
    ok = True
    for path in paths:
        log = OUT / f"{path.stem}.jsonl"
        log.unlink(missing_ok=True)
        proxies = []

        def recording_fake(script, log=log):
            proc, url = original(script)
            srv, proxy_url = start_proxy(url, log)
            proxies.append(srv)
            return proc, proxy_url

        run_notebooks.start_fake = recording_fake
        try:
            ok = run_notebooks.run(path, {}, "fake") and ok
        finally:
            run_notebooks.start_fake = original
            for srv in proxies:
                srv.shutdown()
        calls = len(log.read_text().splitlines()) if log.exists() else 0
        print(f"     {calls} calls recorded in {log.relative_to(ROOT)}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
