/**
 * L6: graceful connection shutdown that never cuts a response short.
 *
 * node:http's `server.close()` (Node >= 19) and `closeIdleConnections()` treat a connection as
 * idle as soon as its response's `end()` was called, not when the bytes have left the process:
 * a 16 MB body handed to `end()` is destroyed after the first few megabytes reach a slow
 * client. So the server tracks, per socket, the responses not yet flushed ('finish': every byte
 * handed to the kernel) and drains itself:
 *
 *   stop accepting connections (the listening socket only) -> destroy sockets that have no
 *   request in progress -> end each busy socket once its last response is flushed -> resolve
 *   when every socket has closed.
 *
 * `destroyAll()` is the deadline (the shutdown timeout): whatever is still open is closed.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { Server as NetServer, type Socket } from "node:net";

export class ConnectionDrain {
  /** Open sockets and how many of their responses are not yet flushed. */
  private readonly busy = new Map<Socket, number>();
  private draining = false;
  private drained: Promise<void> | undefined;

  constructor(private readonly server: Server) {
    server.on("connection", (socket: Socket) => {
      this.busy.set(socket, 0);
      socket.once("close", () => this.busy.delete(socket));
    });
    server.on("request", (req: IncomingMessage, res: ServerResponse) => this.track(req.socket, res));
  }

  /** Open connections. */
  get open(): number {
    return this.busy.size;
  }

  /**
   * Starts draining (idempotent): new connections are refused at once; resolves when every
   * connection is closed, each after its last response was flushed.
   */
  drain(): Promise<void> {
    this.drained ??= new Promise<void>((resolve) => {
      this.draining = true;
      // net.Server's close: stop listening and call back when the last connection has closed,
      // without http.Server's close, which also destroys connections still flushing a response.
      NetServer.prototype.close.call(this.server, () => resolve());
      for (const [socket, pending] of this.busy) if (pending === 0) socket.destroy();
    });
    return this.drained;
  }

  /** The deadline: closes every connection still open, flushed or not. */
  destroyAll(): void {
    for (const socket of this.busy.keys()) socket.destroy();
    this.server.closeAllConnections();
  }

  private track(socket: Socket, res: ServerResponse): void {
    this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
    let done = false;
    const settle = () => {
      if (done) return;
      done = true;
      if (!this.busy.has(socket)) return;
      const pending = this.busy.get(socket)! - 1;
      this.busy.set(socket, pending);
      // Half-close after the last flushed byte: the client reads all of it, then sees the end.
      if (this.draining && pending === 0) socket.end();
    };
    res.once("finish", settle);
    res.once("close", settle);
  }
}
