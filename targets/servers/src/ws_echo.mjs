// Echo server on node's `ws` library, a target for `wsconform test-server`.
// usage: node ws_echo.mjs PORT [--no-deflate]
// Prints "LISTENING <port>" once the socket accepts connections.
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 0);
const deflate = !process.argv.includes('--no-deflate');

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  // Library defaults otherwise (threshold 1 KiB, no window-bits restriction).
  perMessageDeflate: deflate,
  maxPayload: 64 * 1024 * 1024,
  clientTracking: false,
});

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    ws.send(data, { binary: isBinary });
  });
  // The library closes with the right code itself; without a listener an
  // 'error' event would throw and take the whole server down.
  ws.on('error', () => {});
});

wss.on('listening', () => {
  process.stdout.write(`LISTENING ${wss.address().port}\n`);
});
wss.on('error', (err) => {
  console.error(`ws_echo: ${err.message}`);
  process.exit(1);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
