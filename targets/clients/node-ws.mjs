// Autobahn fuzzingserver client driver for node's `ws` 8.23.0 (targets/node_modules).
// Run through targets/clients/node-ws, which installs the pinned package first.
//
// usage: node node-ws.mjs URL AGENT
//
// Asks URL/getCaseCount for N, runs URL/runCase?case=i&agent=AGENT for i = 1..N (echoing
// every message with its type until the server closes), then calls
// URL/updateReports?agent=AGENT. ws's defaults are kept, including its permessage-deflate
// offer (`client_max_window_bits`, context takeover) and its client-side cap of 16384
// fragments per message (maxFragments, which makes ws close 9.3.1 and 9.4.1 with 1008);
// only maxPayload is set, to 64 MiB (ws's own default is 100 MiB).
// Exits 0 when the loop finished, 1 if getCaseCount or updateReports failed, 2 on usage
// errors. Environment: CASE_TIMEOUT (seconds per case, default 300); WS_MAX_FRAGMENTS
// (ws's maxFragments, 0 = no cap; unset = ws's default); WSCONFORM_CA (wss://: a PEM CA file
// to trust).
import { createRequire } from 'node:module';
import WebSocket from 'ws';

const wsVersion = createRequire(import.meta.url)('ws/package.json').version;
const caseTimeoutMs = Number(process.env.CASE_TIMEOUT || 300) * 1000;
const wsOptions = { maxPayload: 64 * 1024 * 1024 };
// wss://: trust the CA `wsconform test-client --tls` wrote (its path is {ca}).
if (process.env.WSCONFORM_CA) {
  const { readFileSync } = await import('node:fs');
  wsOptions.ca = readFileSync(process.env.WSCONFORM_CA);
}
if (process.env.WS_MAX_FRAGMENTS !== undefined && process.env.WS_MAX_FRAGMENTS !== '') {
  wsOptions.maxFragments = Number(process.env.WS_MAX_FRAGMENTS);
}
const log = (msg) => process.stderr.write(`[node-ws] ${msg}\n`);

const [base0, agent] = process.argv.slice(2);
if (process.argv.length !== 4 || !/^wss?:\/\//.test(base0)) {
  log('usage: node-ws.mjs URL AGENT');
  process.exit(2);
}
const base = base0.replace(/\/+$/, '');

// Opens url, calls onMessage(ws, data, isBinary) for each message; resolves on close
// (never rejects: errors are logged and end the connection like a close).
function session(url, onMessage, timeoutMs = caseTimeoutMs) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, wsOptions);
    let error = null;
    const timer = setTimeout(() => {
      error = new Error(`still open after ${timeoutMs / 1000} s, abandoned`);
      ws.terminate();
    }, timeoutMs);
    ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary));
    ws.on('error', (e) => { error ??= e; });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, error });
    });
  });
}

const echo = (ws, data, isBinary) => {
  if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary: isBinary });
};

let count = null;
const r = await session(`${base}/getCaseCount`, (ws, data) => { count = Number(data.toString()); }, 30_000);
if (!Number.isInteger(count)) {
  log(`getCaseCount failed: ${r.error?.message ?? `closed with ${r.code} before a count`}`);
  process.exit(1);
}
log(`ws ${wsVersion}: ${count} cases`);
const started = Date.now();
const a = encodeURIComponent(agent);
for (let i = 1; i <= count; i++) {
  const { error } = await session(`${base}/runCase?case=${i}&agent=${a}`, echo);
  // Protocol errors, refused handshakes and resets are what some cases provoke; the
  // server records them. Only note them here.
  if (error) log(`case ${i}: ${error.message}`);
}
const u = await session(`${base}/updateReports?agent=${a}`, () => {}, 30_000);
if (u.error) {
  log(`updateReports failed: ${u.error.message}`);
  process.exit(1);
}
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(0);
