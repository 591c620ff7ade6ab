/**
 * A fault-injecting HTTP proxy for the fault suite: it listens on loopback only, forwards to a loopback
 * upstream (the fake KFP), and spoils one chosen request at a time the way a gateway or a restarting API
 * server does. Bounded: request and answer bodies, open connections and upstream waits all have limits.
 */
import * as http from "http";
import { AddressInfo, Socket } from "net";

export const FAULT_KINDS = [
  "http500", // answered 500 by the server, nothing done
  "http502", // forwarded and done, the answer replaced by a gateway's 502 page
  "http503", // answered 503 by the gateway, not forwarded
  "html200", // forwarded and done, the answer replaced by a 200 HTML page (a login or error page)
  "truncated", // forwarded and done, the JSON answer cut in half
  "reset-before", // the connection closed before forwarding
  "reset-after", // forwarded and done, the connection closed instead of answering
  "delay", // forwarded and done, the answer held past the client's request timeout
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ProxyLimits {
  maxBodyBytes: number;
  maxConnections: number;
  upstreamTimeoutMs: number;
  /** How long a `delay` fault holds the answer. */
  delayMs: number;
}

export const DEFAULT_LIMITS: ProxyLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxConnections: 64,
  upstreamTimeoutMs: 30_000,
  delayMs: 3_000,
};

/** A request's type: its method and path with ids replaced, e.g. `GET /apis/v2beta1/runs/{id}`. */
export function requestType(method: string, path: string): string {
  const bare = path.split("?")[0];
  return `${method} ${bare.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}")}`;
}

export interface Armed {
  /** The request type to spoil (requestType). */
  type: string;
  /** None: the request passes (after `before`). */
  kind?: FaultKind | "outage";
  /** For `outage`: how long the proxy refuses connections, starting with this request. */
  outageMs?: number;
  /** For a callback instead of a fault: run before the request is forwarded (e.g. restart the upstream). */
  before?: () => Promise<void>;
}

export interface FaultProxy {
  url: string;
  /** Every request type seen, in order. */
  seen: string[];
  /** Spoil the next request of `armed.type`; one armed fault at a time. */
  arm(armed: Armed): void;
  /** Whether the armed fault has fired. */
  fired(): boolean;
  setUpstream(url: string): void;
  /** Resolves once no outage is under way (the API is back). */
  outageOver(): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = "127.0.0.1";

function assertLoopback(url: string): URL {
  const u = new URL(url);
  if (u.hostname !== LOOPBACK && u.hostname !== "localhost")
    throw new Error(`the fault proxy forwards to loopback only, not ${u.hostname}`);
  return u;
}

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function readBounded(stream: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        stream.destroy();
        reject(new Error(`body over ${max} bytes`));
      } else chunks.push(c);
    });
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

export async function startFaultProxy(upstreamUrl: string, limits: ProxyLimits = DEFAULT_LIMITS): Promise<FaultProxy> {
  let upstream = assertLoopback(upstreamUrl);
  let armed: Armed | undefined;
  let fired = false;
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  let closed = false;
  let outageOver: Promise<void> = Promise.resolve();

  function forward(req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: upstream.host, "content-length": String(body.length) };
      delete headers.connection;
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false },
        (res) => {
          readBounded(res, limits.maxBodyBytes).then(
            (b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }),
            reject,
          );
        },
      );
      out.setTimeout(limits.upstreamTimeoutMs, () => out.destroy(new Error("upstream timed out")));
      out.on("error", reject);
      out.end(body);
    });
  }

  function send(res: http.ServerResponse, status: number, contentType: string, body: Buffer | string): void {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
    res.end(body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const type = requestType(req.method ?? "GET", req.url ?? "/");
    seen.push(type);
    const body = await readBounded(req, limits.maxBodyBytes);
    const fault = armed && !fired && armed.type === type ? armed : undefined;
    if (fault) fired = true;
    if (fault?.before) await fault.before();
    const kind = fault?.kind;
    if (kind === "outage") {
      req.socket.destroy();
      outageOver = outage(fault!.outageMs ?? 0);
      return outageOver;
    }
    if (kind === "reset-before") return void req.socket.destroy();
    if (kind === "http500")
      return send(res, 500, "application/json", JSON.stringify({ code: 13, message: "injected: internal error" }));
    if (kind === "http503") return send(res, 503, "text/plain", "upstream connect error (injected)");
    let answer: Upstream;
    try {
      answer = await forward(req, body);
    } catch (e) {
      return send(res, 502, "text/plain", `bad gateway: ${(e as Error).message}`);
    }
    if (kind === "reset-after") return void req.socket.destroy();
    if (kind === "http502") return send(res, 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>");
    if (kind === "html200") return send(res, 200, "text/html", "<!doctype html><html><body>Sign in</body></html>");
    if (kind === "truncated")
      return send(res, answer.status, "application/json", answer.body.subarray(0, answer.body.length >> 1));
    if (kind === "delay") await new Promise((r) => setTimeout(r, limits.delayMs));
    send(res, answer.status, String(answer.headers["content-type"] ?? "application/json"), answer.body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: Error) => send(res, 502, "text/plain", `fault proxy: ${e.message}`));
  });
  server.maxConnections = limits.maxConnections;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, LOOPBACK, () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;

  /** Refuses connections for `ms` (the listener is closed, open connections are cut), then listens again. */
  async function outage(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    await new Promise((r) => setTimeout(r, ms));
    if (!closed) await listen(port);
  }

  return {
    url: `http://${LOOPBACK}:${port}`,
    seen,
    arm(a) {
      armed = a;
      fired = false;
    },
    fired: () => fired,
    setUpstream(url) {
      upstream = assertLoopback(url);
    },
    outageOver: () => outageOver,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const s of sockets) s.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
