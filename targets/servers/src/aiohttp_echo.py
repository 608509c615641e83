"""Echo server on aiohttp 3.8 (Debian python3-aiohttp).

usage: /usr/bin/python3 aiohttp_echo.py PORT [--tls CERT KEY]   (wss:// with --tls)
Prints "LISTENING <port>" once the socket accepts connections.
"""
import asyncio
import signal
import socket

from aiohttp import WSMsgType, web

import peer_args


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(
        compress=True,        # negotiate permessage-deflate
        max_msg_size=0,       # no message size limit (default 4 MiB)
        autoping=True,        # answer pings
        autoclose=True,       # answer the close handshake
        heartbeat=None,       # no keepalive pings
        receive_timeout=None,
        timeout=10.0,         # wait at most this long for the peer's close reply
    )
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type == WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
        elif msg.type == WSMsgType.ERROR:
            break
    return ws


async def main(port: int, tls) -> None:
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", echo)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    site = web.SockSite(runner, sock, ssl_context=tls, backlog=512)
    await site.start()
    print(f"LISTENING {sock.getsockname()[1]}", flush=True)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(*peer_args.parse()))
