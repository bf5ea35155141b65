"""Under gunicorn: a client that stops mid-request frees its thread after CSEC_CLIENT_TIMEOUT
seconds (one warning, no traceback), so the other visitors are served again."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

from conftest import GUNICORN, ROOT, free_port, gunicorn_env, wait_until

STALLED = {
    "headers": b"GET /funnel HTTP/1.1\r\nHost: x\r\n",
    "body": (
        b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\n"
        b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"out'
    ),
}


def test_stalled_clients_are_cut_off_and_the_site_serves_again(tmp_path):
    port = free_port()
    env = gunicorn_env(port, CSEC_THREADS="2", CSEC_CLIENT_TIMEOUT="2", CSEC_LOG_LEVEL="INFO")
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(GUNICORN, cwd=ROOT, env=env, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: urllib.request.urlopen(url + "/healthz", timeout=5), process)
        held = []
        for request in [*STALLED.values(), *STALLED.values()]:  # more than the 2 threads
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            sock.sendall(request)
            held.append(sock)
        started = time.monotonic()
        with urllib.request.urlopen(url + "/healthz", timeout=30) as reply:
            assert reply.status == 200
        assert time.monotonic() - started < 15  # two rounds of 2 s, with room for a slow machine
        for sock in held:  # each was answered (a cut body: 400) or closed, none left hanging
            reply = sock.recv(100)
            assert reply == b"" or reply.startswith(b"HTTP/1.1 400"), reply
            sock.close()
    finally:
        process.terminate()
        process.wait(timeout=60)
    text = log.read_text()
    assert "a client stalled (sending a request or reading a reply): connection closed" in text
    assert "Traceback" not in text and " ERROR " not in text
