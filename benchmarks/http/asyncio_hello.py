"""The Python asyncio peer for benchmarks/http/run.py: "Hello, World!" on every request,
HTTP/1.1 keep-alive, pipelining-safe, with a deliberately minimal parser (no bodies).

    python3 asyncio_hello.py 8082
"""

import asyncio
import email.utils
import signal
import sys

BODY = b"Hello, World!"


class Hello(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        out = []
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                break
            self.buf = self.buf[end + 4:]
            out.append(b"HTTP/1.1 200 OK\r\nDate: " + email.utils.formatdate(usegmt=True).encode() +
                       b"\r\nServer: asyncio\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n" + BODY)
        if out:
            self.transport.write(b"".join(out))


async def main(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Hello, "127.0.0.1", port, backlog=1024)
    stop = loop.create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set_result, None)
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    await stop
    server.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
