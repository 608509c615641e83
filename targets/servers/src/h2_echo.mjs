// Echo server over HTTP/2 (RFC 8441) on Node's `http2` module, a target for
// `wsconform test-server --http2`.
// usage: node h2_echo.mjs PORT [--tls CERT KEY] [--no-deflate]
// h2c with prior knowledge (ws://) without --tls; h2 by ALPN (wss://) with it. The server
// advertises SETTINGS_ENABLE_CONNECT_PROTOCOL = 1; an extended CONNECT with
// `:protocol websocket` gets 200 and the stream is handed, as a Duplex, to node `ws`'s own
// WebSocket class (ws supports a plain Duplex in place of a socket), so the RFC 6455 logic
// (UTF-8 checks, close codes, permessage-deflate) is ws 8.23's, as in ws_echo.mjs.
// The stream's end() is END_STREAM (ws's orderly end), destroy() is RST_STREAM.
// Prints "LISTENING <port> h2" once the socket accepts connections.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import http2 from 'node:http2';

const require = createRequire(join(process.cwd(), 'package.json'));
const wsDir = dirname(require.resolve('ws'));
const { WebSocket } = require('ws');
// Not exported by ws's package.json: taken by path, as its WebSocketServer uses them.
const PerMessageDeflate = require(join(wsDir, 'lib/permessage-deflate.js'));
const extension = require(join(wsDir, 'lib/extension.js'));

const args = process.argv.slice(2);
const port = Number(args[0] ?? 0);
const deflate = !args.includes('--no-deflate');
const tlsAt = args.indexOf('--tls');
const maxPayload = 64 * 1024 * 1024;
const {
  HTTP2_HEADER_METHOD, HTTP2_HEADER_PROTOCOL, HTTP2_HEADER_STATUS, NGHTTP2_CANCEL,
} = http2.constants;

const options = {
  settings: { enableConnectProtocol: true },
  // The default (10 MiB worth of frames queued per session) is too small for 9.x's echoes.
  maxSessionMemory: 256,
};
const server = tlsAt >= 0
  ? http2.createSecureServer({
    ...options,
    cert: readFileSync(args[tlsAt + 1]),
    key: readFileSync(args[tlsAt + 2]),
    allowHTTP1: false,
  })
  : http2.createServer(options);

// negotiate(offer): [response headers, ws extensions] for a sec-websocket-extensions offer,
// as ws's WebSocketServer does it for HTTP/1.1; null when the offer cannot be parsed.
function negotiate(offer) {
  if (!deflate || offer === undefined) return [{}, {}];
  const pmd = new PerMessageDeflate({ isServer: true, maxPayload });
  try {
    const offers = extension.parse(offer);
    if (!offers[PerMessageDeflate.extensionName]) return [{}, {}];
    pmd.accept(offers[PerMessageDeflate.extensionName]);
  } catch {
    return null;
  }
  const value = extension.format({ [PerMessageDeflate.extensionName]: [pmd.params] });
  return [{ 'sec-websocket-extensions': value }, { [PerMessageDeflate.extensionName]: pmd }];
}

server.on('stream', (stream, headers) => {
  stream.on('error', () => {});
  if (headers[HTTP2_HEADER_METHOD] !== 'CONNECT' ||
      headers[HTTP2_HEADER_PROTOCOL] !== 'websocket') {
    stream.respond({ [HTTP2_HEADER_STATUS]: 400 }, { endStream: true });
    return;
  }
  if (headers['sec-websocket-version'] !== '13') {
    stream.respond({ [HTTP2_HEADER_STATUS]: 426, 'sec-websocket-version': '13' },
      { endStream: true });
    return;
  }
  const agreed = negotiate(headers['sec-websocket-extensions']);
  if (agreed === null) {
    stream.respond({ [HTTP2_HEADER_STATUS]: 400 }, { endStream: true });
    return;
  }
  stream.respond({ [HTTP2_HEADER_STATUS]: 200, ...agreed[0] });
  const ws = new WebSocket(null, undefined, { autoPong: true });
  ws._extensions = agreed[1];
  ws.setSocket(stream, Buffer.alloc(0), { maxPayload, allowSynchronousEvents: true });
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  // ws closes with the right code itself; an unhandled 'error' would end the server.
  ws.on('error', () => {});
  // A stream ws leaves half-open (it ended its side, the peer did not) is cancelled later.
  ws.on('close', () => setTimeout(() => {
    if (!stream.destroyed) stream.close(NGHTTP2_CANCEL);
  }, 5000).unref());
});
server.on('sessionError', () => {});
server.on('listening', () => {
  process.stdout.write(`LISTENING ${server.address().port} h2\n`);
});
server.on('error', (err) => {
  console.error(`h2_echo: ${err.message}`);
  process.exit(1);
});
server.listen(port, '127.0.0.1');
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
