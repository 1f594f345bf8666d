import { connect, createServer, type Server, type Socket } from 'node:net';

/** Picks the backend (an index into the balancer's ports) for a connection from its request line, e.g. `GET /ws/telnyx?… HTTP/1.1`. */
export type PickBackend = (requestLine: string) => number;

/** A TCP load balancer on 127.0.0.1 in front of several engines: one address, backends picked per connection. */
export interface PathBalancer {
  readonly port: number;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Backend index each connection went to, in order, with its request line. */
  readonly routed: readonly { readonly backend: number; readonly requestLine: string }[];
  close(): Promise<void>;
}

/**
 * Starts a balancer that reads each new connection's first request line, hands the connection (the
 * bytes read included) to the backend `pick` names, and pipes both ways from then on, as an L7
 * balancer routing on the first request does. Keep-alive connections stay with their backend.
 */
export async function startPathBalancer(backendPorts: readonly number[], pick: PickBackend): Promise<PathBalancer> {
  const routed: { backend: number; requestLine: string }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.once('data', (first: Buffer) => {
      client.pause();
      const requestLine = first.toString('latin1').split('\r\n', 1)[0] ?? '';
      const backend = pick(requestLine);
      routed.push({ backend, requestLine });
      const upstream = connect(backendPorts[backend]!, '127.0.0.1', () => {
        upstream.write(first);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.once('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      client.once('close', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    client.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    routed,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
