"""Fixtures of the tests of sklstm.datasets: a local HTTP server to download from."""

import http.server
import threading

import pytest


class _Handler(http.server.BaseHTTPRequestHandler):
    routes = {}  # path -> (body, Content-Length to announce)

    def do_GET(self):
        if self.path not in self.routes:
            self.send_error(404)
            return
        body, length = self.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True  # a short body is then a truncated transfer

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """``serve(path, body, length=None)`` -> URL on a local HTTP server."""
    routes = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()

    def serve(path, body, length=None):
        routes[path] = (body, len(body) if length is None else length)
        return f"http://127.0.0.1:{httpd.server_address[1]}{path}"

    yield serve
    httpd.shutdown()
    httpd.server_close()
    thread.join()
