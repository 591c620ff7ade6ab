/** The fault suite's proxy: each fault kind spoils exactly one request, before or after forwarding as it says. */
import * as http from "http";
import { AddressInfo } from "net";
import { HttpResponse, requesterFor } from "../../stacks/dynamic/http";
import { DEFAULT_LIMITS, FaultKind, FaultProxy, requestType, startFaultProxy } from "./fault-proxy";

let upstream: http.Server;
let upstreamUrl: string;
let forwarded: number;
let proxy: FaultProxy;

const BODY = JSON.stringify({ run_id: "r1", state: "RUNNING", padding: "x".repeat(40) });

beforeEach(async () => {
  forwarded = 0;
  upstream = http.createServer((req, res) => {
    forwarded++;
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(BODY);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  proxy = await startFaultProxy(upstreamUrl, { ...DEFAULT_LIMITS, delayMs: 300 });
});
afterEach(async () => {
  await proxy.close();
  await new Promise((r) => upstream.close(r));
});

const RUN = "/apis/v2beta1/runs/0f8fad5b-d9cb-469f-a165-70867728950e";
const get = (timeoutMs = 2_000): Promise<HttpResponse> =>
  requesterFor({ baseUrl: proxy.url, headers: {}, tls: { rejectUnauthorized: true } })({
    method: "GET",
    path: RUN,
    timeoutMs,
  });

test("request types replace ids and drop the query", () => {
  expect(requestType("GET", `${RUN}?x=1`)).toBe("GET /apis/v2beta1/runs/{id}");
});

test("without a fault, answers pass through", async () => {
  const res = await get();
  expect([res.status, res.body.toString()]).toEqual([200, BODY]);
  expect(proxy.seen).toEqual(["GET /apis/v2beta1/runs/{id}"]);
});

const spoiled: [FaultKind, number, number | "error", (body: string) => boolean][] = [
  ["http500", 0, 500, (b) => JSON.parse(b).code === 13],
  ["http503", 0, 503, (b) => !b.startsWith("{")],
  ["http502", 1, 502, (b) => b.startsWith("<html>")],
  ["html200", 1, 200, (b) => b.includes("<html>")],
  ["truncated", 1, 200, (b) => b === BODY.slice(0, BODY.length >> 1)],
  ["reset-before", 0, "error", () => true],
  ["reset-after", 1, "error", () => true],
];
test.each(spoiled)("%s: forwarded %i time(s), answered %s, once only", async (kind, times, status, bodyOk) => {
  proxy.arm({ type: "GET /apis/v2beta1/runs/{id}", kind });
  const res = await get().catch(() => "error" as const);
  expect(forwarded).toBe(times);
  if (res === "error") expect(status).toBe("error");
  else expect([res.status, bodyOk(res.body.toString())]).toEqual([status, true]);
  expect(proxy.fired()).toBe(true);
  expect((await get()).body.toString()).toBe(BODY);
});

test("delay: forwarded at once, answered after the client's timeout", async () => {
  proxy.arm({ type: "GET /apis/v2beta1/runs/{id}", kind: "delay" });
  await expect(get(100)).rejects.toThrow(/no answer within 100 ms/);
  expect(forwarded).toBe(1);
});

test("outage: connections are refused for its length, then served again", async () => {
  proxy.arm({ type: "GET /apis/v2beta1/runs/{id}", kind: "outage", outageMs: 400 });
  await expect(get()).rejects.toThrow();
  await expect(get()).rejects.toThrow(/ECONNREFUSED/);
  await proxy.outageOver();
  expect((await get()).status).toBe(200);
});

test("forwards to loopback only", async () => {
  await expect(startFaultProxy("http://192.0.2.1:80")).rejects.toThrow(/loopback only/);
});
