"""The index of the selftest workflow's dry-run job: the fake index over TLS.

On GitHub the action's container runs on the docker bridge, not in the job's network
namespace, so it cannot reach a server on the runner's 127.0.0.1, and it refuses plain
http to anything but loopback. The job therefore serves the local index over https on
the bridge's gateway address, with a certificate for that address that the action
trusts through ``REQUESTS_CA_BUNDLE`` (see .github/workflows/selftest.yml).

    python .ci/selftest_index.py --bind 172.17.0.1:8443 --cert C --key K --log FILE

The job's OIDC token comes from GitHub, for the audience this index announces
(``tpa-selftest``: no real index accepts it). Serves until SIGTERM or SIGINT, then
writes the requests it received to FILE, one ``METHOD PATH`` a line, and exits 1 if
there was none or any was a POST: a dry run never mints a token nor uploads.
"""

from __future__ import annotations

import argparse
import signal
import ssl
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The fakes and the demo live outside the runtime package, in tests/ and tools/.
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tools")]

from fakes.index import IndexState, LocalIndex

AUDIENCE = "tpa-selftest"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bind", required=True, help="HOST:PORT to listen on")
    parser.add_argument("--cert", required=True, type=Path, help="certificate (PEM)")
    parser.add_argument("--key", required=True, type=Path, help="its private key (PEM)")
    parser.add_argument("--log", required=True, type=Path, help="where to write the requests")
    args = parser.parse_args()
    host, _, port = args.bind.rpartition(":")

    state = IndexState(audience=AUDIENCE)
    index = LocalIndex(state)
    index.server.server_close()  # its loopback socket is not used: ours is below
    server = ThreadingHTTPServer((host, int(port)), index.server.RequestHandlerClass)
    server.daemon_threads = True
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    print(f"selftest_index: serving https://{args.bind} (audience {AUDIENCE})", flush=True)
    while not stop.wait(0.2):
        pass
    server.shutdown()
    server.server_close()

    requests = [f"{method} {path}" for method, path in state.requests]
    args.log.write_text("".join(f"{line}\n" for line in requests))
    print("selftest_index: received", *requests, sep="\n  ")
    if not requests:
        print("selftest_index: FAILED: the action never reached the index", file=sys.stderr)
        return 1
    posts = [line for line in requests if line.startswith("POST ")]
    if posts:
        print(f"selftest_index: FAILED: a dry run sent {posts}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
