// The metering proxy on a Unix socket: how an agent in a sandbox without network reaches it. The
// socket's folder is bound into the sandbox, where a relay serves it on the sandbox's own loopback
// (src/sandbox/relay.ts), so the agent still sees `http://127.0.0.1:<port>`.
import { chmod, rm } from 'node:fs/promises';
import http from 'node:http';

/** Longest Unix socket path Linux accepts, bytes (sun_path is 108 bytes with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Serves `handler` over HTTP on the Unix socket `path` (mode 0600: only fixbench's user), with no
 * request timeout (as the TCP listener). A stale file at `path` is removed first.
 * @returns `close()`: stops listening, drops open connections and removes the socket file.
 * @throws Error when the path is too long or the socket cannot be made.
 */
export async function serveOnSocket(handler: http.RequestListener, path: string): Promise<{ close(): Promise<void> }> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`proxy socket path is ${Buffer.byteLength(path)} bytes, over the ${MAX_SOCKET_PATH_BYTES} Linux allows: ${path}; set TMPDIR to a shorter folder`);
  }
  await rm(path, { force: true });
  const server = http.createServer(handler);
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  let closed: Promise<void> | null = null;
  return {
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => void rm(path, { force: true }).then(() => resolve(), () => resolve()));
      })),
  };
}
