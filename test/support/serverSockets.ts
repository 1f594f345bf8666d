import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/**
 * The server side of this process's TCP connections, found through Node's `net.server.socket`
 * diagnostics channel, so a test can make one connection's send buffer fill up (as a reader that
 * stopped reading does once the kernel buffers are full) without touching the engine.
 */
export class ServerSocketTap {
  readonly #byRemotePort = new Map<number, Socket>();
  readonly #onSocket = (message: unknown): void => {
    const socket = (message as { socket: Socket }).socket;
    if (socket.remotePort !== undefined) this.#byRemotePort.set(socket.remotePort, socket);
  };

  constructor() {
    subscribe('net.server.socket', this.#onSocket);
  }

  /** The server's end of the connection whose client end has local port `clientPort`. */
  serverSideOf(clientPort: number): Socket {
    const socket = this.#byRemotePort.get(clientPort);
    if (socket === undefined) throw new Error(`no server socket seen for client port ${clientPort}`);
    return socket;
  }

  /** Stops listening. */
  close(): void {
    unsubscribe('net.server.socket', this.#onSocket);
    this.#byRemotePort.clear();
  }
}
