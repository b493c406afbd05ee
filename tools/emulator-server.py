"""
moto's server for the emulator (tools/emulator.ts): the patches in tools/emulator-patches applied
first, then two servers in this one process, sharing every backend: plain HTTP for the AWS APIs,
and HTTPS (a self-signed certificate for 127.0.0.1, written to the given files) for S3, whose
TLS-only bucket policies deny plain HTTP as AWS does. Requests are served one at a time
(OneAtATime), and each SDK retry gets a line in the log (RetryTrace). Exits when its stdin
closes, so it goes with the process that started it, however that ends.

Usage: python emulator-server.py <patches dir> <certificate file> <key file>
"""
import collections
import datetime
import glob
import io
import ipaddress
import os
import re
import runpy
import sys
import threading
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def write_certificate(cert_file, key_file):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "moto emulator")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    with open(cert_file, "wb") as out:
        out.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_file, "wb") as out:
        out.write(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )


class OneAtATime:
    """
    moto's backends are not safe for concurrent requests: one request iterating a backend's dict
    while another adds to it fails with a 500 ("dictionary changed size during iteration"), after
    a change is made as often as not, and the SDK's retry of it then finds its own change
    (InvalidSubnet.Conflict; a state lock's ConditionalCheckFailed). AWS serves concurrent callers
    consistently, so both servers answer one request at a time, the response built in full before
    it is written (the GIL runs one thread at a time anyway).
    """

    lock = threading.Lock()

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with self.lock:
            body = self.app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                if hasattr(body, "close"):
                    body.close()


class RetryTrace:
    """
    What the server did for each SDK invocation's latest attempt (the SDKs send the same
    amz-sdk-invocation-id on every attempt of one call, and amz-sdk-request: attempt=N), so that a
    retry's line in the log says what the client retried: an answer (a status the client retries,
    or a response it could not use), a failure (moto raised: werkzeug answers 500), or nothing yet.
    """

    LIMIT = 20_000

    def __init__(self, app):
        self.app = app
        self.attempts = collections.OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def operation(environ):
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return target
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded") and 0 < length < 1 << 20:
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action")
            if action:
                return action[0]
        return f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"

    def __call__(self, environ, start_response):
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation:
            return self.app(environ, start_response)
        attempt = int((re.search(r"attempt=(\d+)", environ.get("HTTP_AMZ_SDK_REQUEST", "")) or [0, 1])[1])
        operation = self.operation(environ)
        record = {"status": None, "started": time.monotonic(), "ended": None}
        with self.lock:
            before = self.attempts.pop(invocation, None)
            self.attempts[invocation] = record
            while len(self.attempts) > self.LIMIT:
                self.attempts.popitem(last=False)
        if attempt > 1:
            now = time.monotonic()
            if before is None:
                previous = "never reached this server"
            elif before["ended"] is None:
                previous = f"still running after {now - before['started']:.1f} s"
            else:
                previous = (
                    f"answered {before['status']} in {before['ended'] - before['started']:.1f} s, "
                    f"{now - before['ended']:.1f} s before this one"
                )
            client = environ.get("HTTP_USER_AGENT", "").split(" ")[0]
            print(
                f"emulator: retry attempt {attempt} of {operation} from {client} ({invocation}): "
                f"attempt {attempt - 1} {previous}",
                flush=True,
            )

        def recording_start_response(status, headers, exc_info=None):
            record["status"] = status.split(" ")[0]
            return start_response(status, headers, exc_info)

        # The application (OneAtATime) builds the whole response before it returns.
        try:
            return self.app(environ, recording_start_response)
        except Exception:
            record["status"] = "500 (moto raised)"
            raise
        finally:
            record["ended"] = time.monotonic()


def request_handler():
    from moto.server import MotoRequestHandler

    class LoggingRequestHandler(MotoRequestHandler):
        def connection_dropped(self, error, environ=None):
            # werkzeug says nothing when it cannot write a response: say which, and why.
            what = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}" if environ else "a request"
            print(f"emulator: connection dropped answering {what}: {error!r}", flush=True)

    return LoggingRequestHandler


def serve(ssl_context=None):
    """One moto server on a free loopback port, as moto's own `moto_server` builds it; returns the port."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    server = make_server(
        "127.0.0.1",
        0,
        RetryTrace(OneAtATime(DomainDispatcherApplication(create_backend_app))),
        threaded=True,
        request_handler=request_handler(),
        ssl_context=ssl_context,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_port


def main():
    patches, cert_file, key_file = sys.argv[1:4]
    for patch in sorted(glob.glob(os.path.join(patches, "*.py"))):
        runpy.run_path(patch)
    write_certificate(cert_file, key_file)
    plain, secure = serve(), serve((cert_file, key_file))
    # The one line tools/emulator.ts waits for.
    print(f"emulator listening: http {plain} https {secure}", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
