// Echo server on node's `ws` library, a target for `wsconform test-server`.
// usage: node ws_echo.mjs PORT [--no-deflate] [--tls CERT KEY] [--ws-module PATH]
// With --tls it serves wss:// (an https.createServer holding CERT and KEY, PEM files).
// --ws-module takes `ws` from PATH (Debian's node-ws 8.11: /usr/share/nodejs/ws/index.js)
// instead of targets/node_modules.
// Prints "LISTENING <port>" once the socket accepts connections.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const args = process.argv.slice(2);
const moduleAt = args.indexOf('--ws-module');
const ws = await import(moduleAt >= 0 ? args[moduleAt + 1] : 'ws');
const WebSocketServer = ws.WebSocketServer ?? ws.default.WebSocketServer ?? ws.default.Server;
const port = Number(args[0] ?? 0);
const deflate = !args.includes('--no-deflate');
const tlsAt = args.indexOf('--tls');

const options = {
  // Library defaults otherwise (threshold 1 KiB, no window-bits restriction).
  perMessageDeflate: deflate,
  maxPayload: 64 * 1024 * 1024,
  clientTracking: false,
};
let listener;  // what 'listening' and address() come from
let wss;
if (tlsAt >= 0) {
  listener = createServer({
    cert: readFileSync(args[tlsAt + 1]),
    key: readFileSync(args[tlsAt + 2]),
  });
  wss = new WebSocketServer({ ...options, server: listener });
  listener.listen(port, '127.0.0.1');
} else {
  wss = new WebSocketServer({ ...options, host: '127.0.0.1', port });
  listener = wss;
}

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    ws.send(data, { binary: isBinary });
  });
  // The library closes with the right code itself; without a listener an
  // 'error' event would throw and take the whole server down.
  ws.on('error', () => {});
});

listener.on('listening', () => {
  process.stdout.write(`LISTENING ${listener.address().port}\n`);
});
for (const source of new Set([wss, listener])) {
  source.on('error', (err) => {
    console.error(`ws_echo: ${err.message}`);
    process.exit(1);
  });
}
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
