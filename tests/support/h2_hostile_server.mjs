// Hostile HTTP/2 (RFC 8441) servers for tests/integration/http2_hostile_peers.sh (issue 18,
// acceptance 4): each misbehaves in one way, so that `test-server --http2` must still give every
// case a verdict within its deadlines.
//
// usage: node h2_hostile_server.mjs MODE [N]
//   reset-connect  advertises SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, then answers every extended
//                  CONNECT with RST_STREAM(REFUSED_STREAM) and no response
//   reset-200      advertises the setting, answers 200, then resets the stream at once:
//                  Node's destroy(), RST_STREAM(NO_ERROR) without END_STREAM first
//   silent         accepts TCP and reads, but never writes a byte: no SETTINGS, ever
//   goaway N       advertises the setting and echoes (node `ws` over the stream) the first N
//                  streams, counted over all connections; on each later stream it answers 200,
//                  then on the stream's first DATA sends GOAWAY(NO_ERROR) and closes the
//                  connection — a GOAWAY in the middle of a case, after N good ones
// Listens on an ephemeral 127.0.0.1 port and prints "LISTENING <port> h2".
import { createRequire } from 'node:module';
import { join } from 'node:path';
import http2 from 'node:http2';
import net from 'node:net';

const [mode, nArg] = process.argv.slice(2);
const { NGHTTP2_REFUSED_STREAM, NGHTTP2_NO_ERROR } = http2.constants;

let server;
if (mode === 'silent') {
  server = net.createServer((socket) => {
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
} else if (['reset-connect', 'reset-200', 'goaway'].includes(mode)) {
  const goodStreams = mode === 'goaway' ? Number(nArg ?? 10) : 0;
  // ws resolves from targets/node_modules (the tests run it from targets/).
  const { WebSocket } = createRequire(join(process.cwd(), 'package.json'))('ws');
  let streams = 0;
  server = http2.createServer({ settings: { enableConnectProtocol: true } });
  server.on('sessionError', () => {});
  server.on('stream', (stream) => {
    stream.on('error', () => {});
    streams += 1;
    if (mode === 'reset-connect') {
      stream.close(NGHTTP2_REFUSED_STREAM);
    } else if (mode === 'reset-200') {
      stream.respond({ ':status': 200 });
      // destroy(), not close(): close() would end our side (END_STREAM) before the reset.
      stream.destroy();
    } else if (streams <= goodStreams) {
      stream.respond({ ':status': 200 });
      const ws = new WebSocket(null, undefined, { autoPong: true });
      ws.setSocket(stream, Buffer.alloc(0), { maxPayload: 1 << 20 });
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('error', () => {});
    } else {
      stream.respond({ ':status': 200 });
      stream.once('data', () => {
        stream.session.goaway(NGHTTP2_NO_ERROR, stream.id);
        setTimeout(() => stream.session.destroy(), 200);
      });
    }
  });
} else {
  console.error('usage: node h2_hostile_server.mjs reset-connect|reset-200|silent|goaway [N]');
  process.exit(2);
}
server.on('error', (err) => {
  console.error(`h2_hostile_server: ${err.message}`);
  process.exit(1);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port} h2\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
