"""Command line of the Python echo servers: PORT [--tls CERT KEY].

parse() returns (port, ssl_context): the context is None without --tls, else a server
context holding CERT (PEM chain, leaf first) and its KEY.
"""
import ssl
import sys


def parse():
    args = sys.argv[1:]
    port = int(args[0]) if args else 0
    if len(args) <= 1:
        return port, None
    if len(args) != 4 or args[1] != "--tls":
        sys.exit(f"usage: {sys.argv[0]} PORT [--tls CERT KEY]")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args[2], args[3])
    return port, context
