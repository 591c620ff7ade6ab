// Preloaded (node -r) into the dynamic-provider host by test/stacks/dynamic/dynamic-host.test.ts. It appends
// every gRPC status block the host sends (trailers, or a trailers-only response) to $TRAILER_LOG, one JSON
// line each, so the test reads what the engine receives even past what a Node HTTP/2 client accepts: Node
// refuses header blocks over 64 KiB, while the engine's grpc-go client takes up to 16 MiB, and a partial
// failure carries the serialized provider (tens of KiB) in its status details.
const fs = require("fs");
const http2 = require("http2");

const record = (headers) => {
  if (headers && "grpc-status" in headers) fs.appendFileSync(process.env.TRAILER_LOG, JSON.stringify(headers) + "\n");
};
const createServer = http2.createServer;
http2.createServer = function (...args) {
  const server = createServer.apply(this, args);
  server.prependListener("stream", (stream) => {
    const sendTrailers = stream.sendTrailers;
    stream.sendTrailers = function (headers) {
      record(headers);
      return sendTrailers.call(this, headers);
    };
    const respond = stream.respond;
    stream.respond = function (headers, options) {
      record(headers);
      return respond.call(this, headers, options);
    };
  });
  return server;
};
