"""Echo server on Python `websockets` 10.4 (Debian python3-websockets, legacy asyncio API).

usage: /usr/bin/python3 websockets_echo.py PORT [--tls CERT KEY]   (wss:// with --tls)
Prints "LISTENING <port>" once the socket accepts connections.
"""
import asyncio
import signal

import websockets
import peer_args
from websockets.exceptions import ConnectionClosed


async def echo(ws, _path=None):
    try:
        async for message in ws:  # str for text, bytes for binary
            await ws.send(message)
    except ConnectionClosed:
        pass  # the library already did the closing handshake (or the peer vanished)


async def main(port: int, tls) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    async with websockets.serve(
        echo,
        "127.0.0.1",
        port,
        ssl=tls,
        compression="deflate",   # the default; library offers server/client_max_window_bits=12
        max_size=2**26,          # 64 MiB messages (default 1 MiB)
        max_queue=32,
        read_limit=2**20,
        write_limit=2**20,
        ping_interval=None,      # no keepalive pings
        ping_timeout=None,
        close_timeout=10,
    ) as server:
        bound = server.sockets[0].getsockname()[1]
        print(f"LISTENING {bound}", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main(*peer_args.parse()))
