/**
 * Test helper: a real HTTP server on 127.0.0.1 (ephemeral port) that serves files in the
 * Hugging Face hub's URL layout, `/<org>/<name>/resolve/<revision>/<path>`, with Range support,
 * records every request, and lets a test take over any request to misbehave.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly n: number;
  readonly path: string;
  readonly range: string | undefined;
  readonly authorization: string | undefined;
}

/** Return true when the request was answered by the hook. */
export type Hook = (
  req: IncomingMessage,
  res: ServerResponse,
  info: { n: number; file: string | undefined; body: Buffer | undefined },
) => boolean;

export interface FakeHub {
  readonly url: string;
  readonly requests: RecordedRequest[];
  hook: Hook | undefined;
  /** Requests whose URL ends with the given repository path. */
  requestsFor(file: string): RecordedRequest[];
  close(): Promise<void>;
}

const RESOLVE = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/;

/** `files` maps "<repo>@<revision>/<path>" (e.g. "Xenova/x@main/onnx/model.onnx") to bytes. */
export async function startFakeHub(files: ReadonlyMap<string, Buffer>): Promise<FakeHub> {
  const requests: RecordedRequest[] = [];
  const hub: FakeHub = {
    url: "",
    requests,
    hook: undefined,
    requestsFor: (file) => requests.filter((r) => r.path.endsWith(`/${file}`)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const n = requests.length;
    const path = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/");
    requests.push({ n, path, range: req.headers.range, authorization: req.headers.authorization });
    const m = RESOLVE.exec(path);
    const key = m ? `${m[1]}@${decodeURIComponent(m[2] ?? "")}/${m[3]}` : undefined;
    const body = key ? files.get(key) : undefined;
    if (hub.hook?.(req, res, { n, file: m?.[3], body })) return;
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Entry not found");
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (range?.[1] !== undefined) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        "content-length": body.length - start,
        "content-range": `bytes ${start}-${body.length - 1}/${body.length}`,
        "accept-ranges": "bytes",
      });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { "content-length": body.length, "accept-ranges": "bytes" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(hub, { url: `http://127.0.0.1:${port}` });
}

/** Sends the headers of the full body, then `cut` bytes, then kills the connection. */
export function dropMidBody(req: IncomingMessage, res: ServerResponse, body: Buffer, cut: number): void {
  res.writeHead(200, { "content-length": body.length });
  res.write(body.subarray(0, cut), () => {
    setTimeout(() => req.socket.destroy(), 20);
  });
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
