"""Records every API call the lessons make, for workshop/costs (what the API costs per learner).

Runs each lesson notebook that calls an API (run_notebooks.API_LESSONS) as test/notebooks/run_notebooks.py
does in fake mode, but with a recording proxy between the kernel and the fake OpenAI server: each request
(endpoint, model, messages or prompt or embedding input, token limit, and for hosted fine-tuning the uploaded
file and the job's training file and epochs) and the text of its answer (assembled from the stream for
streamed calls) is appended as one JSON line to build/calls/NAME.jsonl. Lesson 05 runs twice: with its local
embedding model (as the tests run it, and as a learner who fetched the model does) and, as
05-rag-api-embeddings, without one, so that its embeddings go through the API. `go run ./workshop/costs
build/calls/*.jsonl` then counts the tokens and prices them; `make workshop-costs` does both.

    JUPYTER_PATH=build/jupyter XDG_DATA_HOME=build/xdg python3 test/workshop/record_calls.py [NAME...]
"""

import email.parser
import email.policy
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


def uploaded_file(data, content_type):
    """The text of the file in a multipart upload (POST /files), or ""."""
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + data)
    if not msg.is_multipart():
        return ""
    for part in msg.iter_parts():
        if part.get_filename():
            return part.get_payload(decode=True).decode("utf-8", "replace")
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
            if method == "POST":  # a POST without a body too: cancelling a fine-tuning job
                try:
                    request = json.loads(data) if data else {}
                except ValueError:
                    request = {}
                if not isinstance(request, dict):
                    request = {}
                try:
                    response = json.loads(body)
                except ValueError:
                    response = {}
                if not isinstance(response, dict):
                    response = {}
                hyper = request.get("hyperparameters") or {}
                method_hyper = ((request.get("method") or {}).get("supervised") or {}).get("hyperparameters") or {}
                rec = {"endpoint": path, "status": status, "model": request.get("model"),
                       "id": response.get("id"),
                       "file": uploaded_file(data, self.headers.get("Content-Type", ""))
                       if data and path.startswith("/files") else "",
                       "training_file": request.get("training_file"),
                       "epochs": hyper.get("n_epochs") or method_hyper.get("n_epochs"),
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

        def do_DELETE(self):
            self.forward("DELETE")

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}/v1"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    names = sys.argv[1:]
    paths = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if p.stem in run_notebooks.API_LESSONS]
    if names:
        paths = [p for p in paths if p.stem in names]
    # (notebook, name of the recording, environment that differs from the test's)
    runs = []
    for path in paths:
        runs.append((path, path.stem, None))
        if path.stem == "05-rag":  # a learner without the local embedding model embeds through the API
            runs.append((path, path.stem + "-api-embeddings",
                         {"GOLM_EMBED_MODEL": str(ROOT / "build" / "no-embedding-model")}))
    original = run_notebooks.start_fake
    ok = True
    for path, name, env in runs:
        log = OUT / f"{name}.jsonl"
        log.unlink(missing_ok=True)
        proxies = []

        def recording_fake(script, log=log):
            proc, url = original(script)
            srv, proxy_url = start_proxy(url, log)
            proxies.append(srv)
            return proc, proxy_url

        run_notebooks.start_fake = recording_fake
        try:
            ok = run_notebooks.run(path, {}, "fake", env_override=env) and ok
        finally:
            run_notebooks.start_fake = original
            for srv in proxies:
                srv.shutdown()
        calls = len(log.read_text().splitlines()) if log.exists() else 0
        print(f"     {calls} calls recorded in {log.relative_to(ROOT)}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
