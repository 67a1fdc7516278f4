/**
 * Network capture: the `tapedeck.network` event shape, the `captureNetwork` option's resolution,
 * body rules (allowed URLs, text only, capped, masked), and the `fetch` wrapper. The wrapper
 * returns the original's own promise (same value, same rejection, same timing) and reads
 * response bodies from `response.clone()` without delaying the caller. XHR lives in `xhr.ts`.
 * Requests to the Tapedeck endpoint itself (ingest, recorder-config) are never captured.
 */

import { NETWORK_BODY_DEFAULT_MAX_BYTES, NETWORK_BODY_MAX_BYTES_CEILING } from '../config';
import { filterHeaders, headerAllowList } from './headers';
import { maskSensitive } from './mask';
import { quietly } from './quietly';

/** Payload of a `tapedeck.network` custom event. */
export interface NetworkEvent {
  kind: 'fetch' | 'xhr';
  method: string;
  url: string;
  /** 0 when the request failed without a response. */
  status: number;
  ok: boolean;
  error?: string;
  /** Epoch ms when the request was made. */
  start: number;
  duration_ms: number;
  request_size?: number;
  response_size?: number;
  request_headers?: Record<string, string>;
  response_headers?: Record<string, string>;
  request_body?: string;
  response_body?: string;
  truncated?: true;
}

/** `captureNetwork` after checking. */
export interface NetworkCaptureConfig {
  allowedHeaders: ReadonlySet<string>;
  bodyUrls: ReadonlyArray<string | RegExp>;
  maxBodyBytes: number;
}

/** What the fetch and XHR wrappers need from their surroundings (injected in tests). */
export interface NetworkContext {
  config: NetworkCaptureConfig;
  /** The Tapedeck server's origin (`ResolvedOptions.endpoint`). */
  endpoint: string;
  /** Base for relative URLs (the page's `location.href`). */
  baseUrl: () => string;
  /** Epoch milliseconds. */
  now: () => number;
  /** False once capture is stopped but a wrapper could not be removed. */
  active: () => boolean;
  emit: (event: NetworkEvent) => void;
}

/** Turns the `captureNetwork` option into a config, or `null` when capture is off. */
export function resolveNetworkCapture(value: unknown): NetworkCaptureConfig | null {
  if (value === true) return { allowedHeaders: headerAllowList(), bodyUrls: [], maxBodyBytes: NETWORK_BODY_DEFAULT_MAX_BYTES };
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const allow = Array.isArray(record.allowHeaders) ? record.allowHeaders.filter((h): h is string => typeof h === 'string') : [];
  const bodyUrls = Array.isArray(record.bodyUrls)
    ? record.bodyUrls.filter((u): u is string | RegExp => (typeof u === 'string' && u !== '') || u instanceof RegExp)
    : [];
  const max = typeof record.maxBodyBytes === 'number' && record.maxBodyBytes >= 0 ? Math.floor(record.maxBodyBytes) : NETWORK_BODY_DEFAULT_MAX_BYTES;
  return { allowedHeaders: headerAllowList(allow), bodyUrls, maxBodyBytes: Math.min(max, NETWORK_BODY_MAX_BYTES_CEILING) };
}

/** Returns true for the recorder's own requests (ingest and recorder-config). */
export function isRecorderRequest(rawUrl: string, endpoint: string): boolean {
  const base = absoluteUrl(endpoint, 'http://invalid').replace(/\/+$/, '');
  const url = absoluteUrl(rawUrl, 'http://invalid');
  return [`${base}/api/v1/ingest`, `${base}/api/v1/recorder-config`].some(
    (prefix) => url === prefix || url.startsWith(`${prefix}?`) || url.startsWith(`${prefix}/`),
  );
}

/** Resolves `url` against `base`; the input unchanged when it is not a URL. */
export function absoluteUrl(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/** Returns true when bodies of requests to `url` may be captured. */
export function bodyAllowed(url: string, config: NetworkCaptureConfig): boolean {
  return config.bodyUrls.some((rule) => (typeof rule === 'string' ? url.includes(rule) : safeTest(rule, url)));
}

function safeTest(rule: RegExp, url: string): boolean {
  rule.lastIndex = 0;
  return rule.test(url);
}

/** Returns true for content types whose bodies are text (missing means unknown, so not text). */
export function isTextContentType(contentType: string | null | undefined): boolean {
  if (typeof contentType !== 'string') return false;
  return /^text\/|[/+](json|xml|javascript|graphql)\b|x-www-form-urlencoded/i.test(contentType.trim());
}

/** Masks `text` and cuts it to `maxBytes` UTF-8 bytes. */
export function capBody(text: string, maxBytes: number): { body: string; truncated: boolean } {
  // Masking first, on a slice that still holds every byte kept, so no cut exposes half a secret.
  const sliced = text.length > maxBytes + 64;
  const masked = maskSensitive(sliced ? text.slice(0, maxBytes + 64) : text);
  const bytes = utf8(masked);
  if (bytes.length <= maxBytes && !sliced) return { body: masked, truncated: false };
  const cut = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD+$/, '');
  return { body: cut, truncated: true };
}

/** The text of a request body, for strings and URLSearchParams only. */
export function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  return body instanceof URLSearchParams ? body.toString() : undefined;
}

/** Size in bytes of a request body, when it can be known without reading a stream. */
export function bodySize(body: unknown): number | undefined {
  const text = bodyText(body);
  if (text !== undefined) return utf8(text).length;
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  return undefined;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `Name: message` of a thrown value, masked. */
export function describeFailure(error: unknown): string {
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  return maskSensitive(message === undefined ? String(error) : `${String(name ?? 'Error')}: ${String(message)}`);
}

/** Reads at most `maxBytes` (+1 chunk) of a response, then cancels the rest of the clone. */
async function readBounded(response: Response, maxBytes: number): Promise<{ text: string; bytes: number; complete: boolean }> {
  const stream = response.body;
  if (stream === null || typeof stream.getReader !== 'function') {
    const text = await response.text();
    return { text, bytes: utf8(text).length, complete: true };
  }
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), bytes, complete: true };
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes > maxBytes) {
      reader.cancel().catch(() => undefined);
      return { text, bytes, complete: false };
    }
  }
}

interface PendingRequest {
  event: NetworkEvent;
  withBody: boolean;
}

/** Describes a fetch call before it is made; `null` when it is not captured. */
function describeFetch(args: readonly unknown[], ctx: NetworkContext): PendingRequest | null {
  const [input, init] = args as [unknown, RequestInit | undefined];
  const request = typeof Request !== 'undefined' && input instanceof Request ? input : null;
  const url = absoluteUrl(request !== null ? request.url : String(input), ctx.baseUrl());
  if (isRecorderRequest(url, ctx.endpoint)) return null;
  const method = String(init?.method ?? request?.method ?? 'GET').toUpperCase();
  const headers = new Headers(init?.headers ?? request?.headers);
  const withBody = bodyAllowed(url, ctx.config);
  const event: NetworkEvent = { kind: 'fetch', method, url: maskSensitive(url), status: 0, ok: false, start: ctx.now(), duration_ms: 0 };
  const requestHeaders = filterHeaders(headers, ctx.config.allowedHeaders);
  if (requestHeaders !== undefined) event.request_headers = requestHeaders;
  const body = init?.body;
  const size = bodySize(body);
  if (size !== undefined) event.request_size = size;
  const text = bodyText(body);
  if (withBody && text !== undefined) {
    const capped = capBody(text, ctx.config.maxBodyBytes);
    event.request_body = capped.body;
    if (capped.truncated) event.truncated = true;
  }
  return { event, withBody };
}

function onResponse(response: Response, pending: PendingRequest, ctx: NetworkContext): void {
  const { event } = pending;
  event.duration_ms = Math.max(0, ctx.now() - event.start);
  event.status = response.status;
  event.ok = response.ok;
  const responseHeaders = filterHeaders(response.headers, ctx.config.allowedHeaders);
  if (responseHeaders !== undefined) event.response_headers = responseHeaders;
  const length = Number(response.headers.get('content-length'));
  if (response.headers.has('content-length') && Number.isFinite(length)) event.response_size = length;
  if (!pending.withBody || !isTextContentType(response.headers.get('content-type'))) return ctx.emit(event);
  // Cloned now, before the caller's own callbacks run and may consume the body.
  const clone = response.clone();
  readBounded(clone, ctx.config.maxBodyBytes).then(
    ({ text, bytes, complete }) => {
      if (complete && event.response_size === undefined) event.response_size = bytes;
      const capped = capBody(text, ctx.config.maxBodyBytes);
      event.response_body = capped.body;
      if (capped.truncated || !complete) event.truncated = true;
      ctx.emit(event);
    },
    () => ctx.emit(event),
  );
}

/**
 * Wraps `original` so that every call is captured. The wrapper calls `original` with the same
 * `this` and arguments and returns exactly what it returns (or throws what it throws).
 */
export function wrapFetch(original: typeof fetch, ctx: NetworkContext): typeof fetch {
  return function tapedeckFetch(this: unknown, ...args: Parameters<typeof fetch>): Promise<Response> {
    let pending: PendingRequest | null = null;
    try {
      if (ctx.active()) pending = describeFetch(args, ctx);
    } catch {
      pending = null;
    }
    const result: unknown = Reflect.apply(original, this, args);
    if (pending !== null && isThenable(result)) observe(result, pending, ctx);
    return result as Promise<Response>;
  };
}

function observe(result: PromiseLike<unknown>, pending: PendingRequest, ctx: NetworkContext): void {
  try {
    result.then(
      (response) =>
        quietly(() => {
          if (typeof Response !== 'undefined' && response instanceof Response) onResponse(response, pending, ctx);
        }),
      (error: unknown) =>
        quietly(() => {
          pending.event.duration_ms = Math.max(0, ctx.now() - pending.event.start);
          pending.event.error = describeFailure(error);
          ctx.emit(pending.event);
        }),
    );
  } catch {
    // A thenable whose `then` throws is the caller's to find out about.
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
