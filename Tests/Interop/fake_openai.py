"""A local OpenAI-compatible server with known usage numbers: every chat
completion reports prompt_tokens = 40 + len(last user message) // 4 and
completion_tokens = 17, so the suite knows what each call must count."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMPLETION_TOKENS = 17


def prompt_tokens(body):
    messages = body.get("messages", [])
    last = messages[-1]["content"] if messages else ""
    return 40 + len(last) // 4


class Handler(BaseHTTPRequestHandler):
    counter = 0

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        Handler.counter += 1
        usage = {"prompt_tokens": prompt_tokens(body), "completion_tokens": COMPLETION_TOKENS}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        answer = {
            "id": f"chatcmpl-interop-{Handler.counter}",
            "object": "chat.completion",
            "created": 1790000000,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "The interop answer is forty-two."}}],
            "usage": usage,
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def start():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
