#!/usr/bin/env node
/**
 * The do-nothing HTTP sink of the ingest load test: the floor Tapedeck is compared with. It
 * reads each request's body to the end (so the client pays the same upload) and answers
 * `200 {"status":"stored"}` — no decoding, no parsing, no storage. Node's http module on one
 * core (a minimal Rust/hyper sink would be faster; this one is what we could build without a
 * second Rust toolchain run on a shared 2-core machine, and the report says so).
 *
 * `node bench/lib/http-sink.mjs` listens on 127.0.0.1 on a free port and prints
 * `listening PORT` on stdout; it exits on SIGTERM or when its parent's stdin closes.
 */
import { createServer } from 'node:http';

const ANSWER = Buffer.from('{"status":"stored"}');

const server = createServer((request, response) => {
  request.on('data', () => {});
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': ANSWER.length });
    response.end(ANSWER);
  });
});
// Recorders' connections stay open between batches, as the load test's agent keeps them.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
// Never outlive the benchmark that started it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
