#!/usr/bin/env python3
"""A minimal HTTP/1.1 keep-alive sink for curl-bench: reads each request body fully, discards it, answers
200 with an empty body. One thread per connection; prints `listening PORT` first. Not an OSS server: it
only exists so the transport's own CPU cost can be measured apart from the server's."""
import socket
import sys
import threading


def serve(conn: socket.socket) -> None:
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    pending = b""
    with conn:
        while True:
            while b"\r\n\r\n" not in pending:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                pending += chunk
            head, _, pending = pending.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            take = min(length, len(pending))
            pending = pending[take:]
            length -= take
            while length > 0:
                n = conn.recv_into(view, min(length, len(buf)))
                if n == 0:
                    return
                length -= n
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(256)
    print(f"listening {server.getsockname()[1]}", flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
