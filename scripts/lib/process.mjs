// What the launchers of background servers for tests and `npm run dev` (scripts/lib/openbao.mjs,
// scripts/lib/moto.mjs) share: ports, killing, log tails, readiness polling, and a last-resort
// kill of every server still running when the Node process exits.
import fs from 'node:fs';
import net from 'node:net';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Whether `port` on 127.0.0.1 can be bound right now. */
export function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Sends `signal`; false when the process is already gone. */
export function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The last `lines` lines of a log file ('' when it cannot be read). */
export function readTail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '';
  }
}

const liveServers = new Set();
process.on('exit', () => {
  // Last resort when a caller forgot stop() or the process exits abruptly: no orphan servers.
  for (const s of liveServers) s._killNow();
});

/** Registers a server object (with `_killNow()`) for the exit-time cleanup. */
export function trackServer(server) {
  liveServers.add(server);
}

export function untrackServer(server) {
  liveServers.delete(server);
}

/**
 * Polls `probe()` until it resolves true. Fails when the process exits first (`exited()` returns
 * its { code, signal, error }) or `timeoutMs` passes (then the server is killed); either way the
 * server is untracked and the error names `what` and the log file.
 */
export async function waitUntilReady({ server, what, logFile, timeoutMs, exited, probe }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gone = exited();
    if (gone) {
      untrackServer(server);
      const why = gone.error ? gone.error.message : `exit ${gone.code ?? gone.signal}`;
      throw new Error(`${what} exited during start-up (${why}); log: ${logFile}`);
    }
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      server._killNow();
      untrackServer(server);
      throw new Error(`${what} not ready after ${timeoutMs} ms; log: ${logFile}`);
    }
    await sleep(100);
  }
}

/** Removes a server's temp dir, unless asked to keep it (or VNP_KEEP_TMP=1) for post-mortems. */
export function removeTmpUnlessKept({ tmpDir, keep, log, what }) {
  if (keep ?? process.env.VNP_KEEP_TMP === '1') log(`kept ${tmpDir} (${what})`);
  else fs.rmSync(tmpDir, { recursive: true, force: true });
}
