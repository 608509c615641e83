// Deno's host for websocket_api_driver.js (the same loop Chromium runs in a page): reports go
// to stderr, and the exit status says whether the loop finished. Run through
// targets/clients/deno.
//
// usage: deno run --allow-net [--cert CA] deno.mjs URL AGENT
// Exits 0 when the loop finished; 1 if it failed (no case count, updateReports failed);
// 2 on usage errors. Environment: CASE_TIMEOUT (seconds per case, default 300), WSCONFORM_HTTP2.
const [base, agent] = Deno.args;
if (Deno.args.length !== 2 || !/^wss?:\/\//.test(base)) {
  console.error('[deno] usage: deno.mjs ws[s]://HOST:PORT AGENT');
  Deno.exit(2);
}
let finish;
const done = new Promise((resolve) => { finish = resolve; });
// Deno's WebSocket offers ALPN http/1.1 alone unless it is given an HTTP client: with
// WSCONFORM_HTTP2=1 (targets/run-client-peer ... --http2) it gets one that offers h2 and
// nothing else, so a server that cannot do RFC 8441 fails the handshake rather than being
// tested over HTTP/1.1 unnoticed.
const http2 = Deno.env.get('WSCONFORM_HTTP2') === '1';
globalThis.wsconformDriver = {
  ws: base,
  webSocketOptions: http2 ? { client: Deno.createHttpClient({ http1: false, http2: true }) } : undefined,
  agent,
  caseTimeout: Number(Deno.env.get('CASE_TIMEOUT') || 300),
  report: (path, fields) => {
    if (path === '/done') finish(fields);
    else console.error(`[deno] ${fields.msg}`);
    return Promise.resolve();
  },
};
await import('./websocket_api_driver.js');
const result = await done;
console.error(`[deno] ${result.ok ? 'finished' : 'failed'}: ${result.why}`);
Deno.exit(result.ok ? 0 : 1);
