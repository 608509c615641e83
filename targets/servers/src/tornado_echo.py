"""Echo server on tornado 6.2 (Debian python3-tornado).

usage: /usr/bin/python3 tornado_echo.py PORT [--tls CERT KEY]   (wss:// with --tls)
Prints "LISTENING <port>" once the socket accepts connections.
"""
import asyncio
import signal

import tornado.httpserver
import tornado.netutil
import tornado.web
import tornado.websocket

import peer_args


class Echo(tornado.websocket.WebSocketHandler):
    def check_origin(self, origin):
        return True

    def get_compression_options(self):
        return {}  # non-None: negotiate permessage-deflate with default options

    async def on_message(self, message):
        # str for text, bytes for binary. Returning an awaitable makes tornado
        # finish this message before it reads the next, so echoes stay in order.
        try:
            await self.write_message(message, binary=isinstance(message, bytes))
        except tornado.websocket.WebSocketClosedError:
            pass


async def main(port: int, tls) -> None:
    app = tornado.web.Application(
        [(r"/.*", Echo)],
        websocket_max_message_size=2**26,  # default 10 MiB
        websocket_ping_interval=None,      # no keepalive pings
    )
    sockets = tornado.netutil.bind_sockets(port, "127.0.0.1", backlog=512)
    server = tornado.httpserver.HTTPServer(app, ssl_options=tls)
    server.add_sockets(sockets)
    print(f"LISTENING {sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop
    server.stop()


if __name__ == "__main__":
    asyncio.run(main(*peer_args.parse()))
