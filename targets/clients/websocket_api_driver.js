// Autobahn fuzzingserver client driver written against the WHATWG WebSocket API only, so that
// any JavaScript runtime with a built-in WebSocket runs the same loop: headless Chromium
// (targets/clients/chromium.py serves it to a page) and Deno (targets/clients/deno.mjs).
//
// The host sets globalThis.wsconformDriver before loading this file:
//   { ws: base URL, agent, caseTimeout: seconds per case,
//     report(path, fields): Promise — '/log' { msg } for progress, '/done' { ok: 0|1, why } once,
//     webSocketOptions (optional): the second argument of every `new WebSocket`,
//     prepareCases (optional): before each case, GET /prepareCase over HTTP/2 (see below) }
// The loop asks BASE/getCaseCount for N, runs BASE/runCase?case=i&agent=AGENT for i = 1..N
// (every message echoed with its type: text as a string, binary as an ArrayBuffer) until the
// server closes, then calls BASE/updateReports?agent=AGENT and reports /done.
'use strict';
(() => {
  const cfg = globalThis.wsconformDriver;
  const base = cfg.ws.replace(/\/+$/, '');
  const agent = encodeURIComponent(cfg.agent);
  const caseTimeoutMs = Number(cfg.caseTimeout) * 1000;
  const report = cfg.report;
  const log = (msg) => report('/log', { msg });
  globalThis.addEventListener('error', (e) => log('page error: ' + e.message));
  globalThis.addEventListener('unhandledrejection', (e) => log('unhandled rejection: ' + e.reason));

  // Opens url, calls onMessage(ws, data) per message; resolves with the close event's
  // fields (or an error note) once the connection is over. Never rejects.
  function session(url, onMessage, timeoutMs) {
    return new Promise((resolve) => {
      let ws;
      try {
        // Deno: options carry the HTTP client that may speak HTTP/2 (targets/clients/deno.mjs).
        ws = cfg.webSocketOptions ? new WebSocket(url, cfg.webSocketOptions) : new WebSocket(url);
      } catch (e) {
        resolve({ error: String(e) });
        return;
      }
      ws.binaryType = 'arraybuffer';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        ws.close();
        resolve({ error: 'still open after ' + timeoutMs / 1000 + ' s, abandoned' });
      }, timeoutMs);
      ws.onmessage = (e) => onMessage(ws, e.data);
      ws.onclose = (e) => {
        clearTimeout(timer);
        if (!timedOut) resolve({ code: e.code, reason: e.reason, wasClean: e.wasClean });
      };
    });
  }

  // A browser opens a WebSocket over HTTP/2 only on a connection it already has to the origin
  // (`test-client --http2`, docs/http2.md). A case that needs a connection of its own (its
  // certificate, its SETTINGS) gets one so: the server answers GET /prepareCase with
  // "wsconform-connection: reconnect" and ends the connection the request came on (GOAWAY), so
  // the next request opens the case's connection, whose answer is "ready". A request that
  // fails (the browser refused the case's certificate) means no WebSocket for this case: the
  // server has judged it from the refused handshake.
  const httpBase = base.replace(/^ws/, 'http');
  async function prepare(i) {
    const url = httpBase + '/prepareCase?case=' + i + '&agent=' + agent;
    for (let attempt = 1; attempt <= 3; attempt++) {
      let r;
      try {
        r = await fetch(url, { cache: 'no-store' });
      } catch (e) {
        await log('case ' + i + ': no connection for it (' + e + '), so no WebSocket');
        return false;
      }
      if (r.headers.get('wsconform-connection') !== 'reconnect') return true;
    }
    await log('case ' + i + ': still asked to reconnect after 3 tries; opening the WebSocket');
    return true;
  }

  const echo = (ws, data) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(data);
  };

  async function main() {
    let count = null;
    const r = await session(base + '/getCaseCount', (ws, data) => { count = Number(data); }, 30000);
    if (!Number.isInteger(count)) {
      await report('/done', { ok: 0, why: 'getCaseCount failed: ' + JSON.stringify(r) });
      return;
    }
    await log(navigator.userAgent + ': ' + count + ' cases');
    const started = performance.now();
    const codes = {};
    for (let i = 1; i <= count; i++) {
      if (cfg.prepareCases && !(await prepare(i))) {
        codes['no connection'] = (codes['no connection'] || 0) + 1;
        continue;
      }
      const res = await session(base + '/runCase?case=' + i + '&agent=' + agent, echo, caseTimeoutMs);
      const key = res.error ? 'error' : String(res.code);
      codes[key] = (codes[key] || 0) + 1;
      if (res.error) await log('case ' + i + ': ' + res.error);
      if (i % 50 === 0) await log(i + '/' + count + ' cases');
    }
    await log('close codes seen: ' + JSON.stringify(codes));
    const u = await session(base + '/updateReports?agent=' + agent, () => {}, 30000);
    if (u.error) {
      await report('/done', { ok: 0, why: 'updateReports failed: ' + u.error });
      return;
    }
    await report('/done', { ok: 1, why: 'loop finished in ' + ((performance.now() - started) / 1000).toFixed(1) + ' s' });
  }
  main().catch((e) => report('/done', { ok: 0, why: 'driver threw: ' + e }));
})();
