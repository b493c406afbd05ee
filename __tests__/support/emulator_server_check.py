"""
The emulator server's own behaviour (tools/emulator-server.py), each measured on a real server on
a loopback port with a stand-in application. Prints one JSON object:
- overlapping: the most requests the application saw at once, of 8 sent together;
- retryLines: the log lines of requests marked as an SDK's second attempt, after a first that
  was answered and after one the application failed.

Usage: python emulator_server_check.py <tools/emulator-server.py>
"""
import contextlib
import importlib.util
import io
import json
import socket
import sys
import threading
import time

from werkzeug.serving import make_server


def load(path):
    spec = importlib.util.spec_from_file_location("emulator_server", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Busy:
    """A WSGI app that takes a while per request and counts the requests it is inside."""

    def __init__(self):
        self.inside = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        time.sleep(0.05)
        with self.lock:
            self.inside -= 1
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]


@contextlib.contextmanager
def running(server_module, app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()


def request(port, headers=""):
    """One POST; resolves to the response's status line."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n{headers}\r\n".encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received.split(b"\r\n")[0].decode()


def overlapping(server_module):
    app = Busy()
    with running(server_module, server_module.OneAtATime(app)) as port:
        threads = [threading.Thread(target=request, args=(port,)) for _ in range(8)]
        [thread.start() for thread in threads]
        [thread.join() for thread in threads]
    return app.most


def failing(environ, start_response):
    raise RuntimeError("dictionary changed size during iteration")


def retry_lines(server_module):
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        for invocation, app in (("i-1", Busy()), ("i-2", failing)):
            with running(server_module, server_module.RetryTrace(app)) as port:
                headers = f"X-Amz-Target: Test.Call\r\nUser-Agent: check/1\r\namz-sdk-invocation-id: {invocation}\r\n"
                for attempt in (1, 2):
                    request(port, headers + f"amz-sdk-request: attempt={attempt}; max=3\r\n")
    return [line for line in log.getvalue().splitlines() if line.startswith("emulator:")]


def main():
    server_module = load(sys.argv[1])
    print(
        json.dumps(
            {
                "overlapping": overlapping(server_module),
                "retryLines": retry_lines(server_module),
            }
        )
    )


if __name__ == "__main__":
    main()
