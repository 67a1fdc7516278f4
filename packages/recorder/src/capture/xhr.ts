/**
 * XMLHttpRequest capture: wraps `open`, `setRequestHeader` and `send` on the prototype, and emits
 * one `tapedeck.network` event per request on `loadend` (after load, error, abort or timeout).
 * Each wrapper calls the original with the same `this` and arguments (their number too: `open`
 * with an explicit `undefined` third argument is synchronous) and returns or throws what it does.
 */

import { filterHeaders, parseRawHeaders } from './headers';
import { absoluteUrl, bodyAllowed, bodySize, bodyText, capBody, isRecorderRequest, isTextContentType, type NetworkContext, type NetworkEvent } from './network';
import { maskSensitive } from './mask';
import { quietly } from './quietly';

interface XhrState {
  method: string;
  url: string;
  headers: Array<[string, string]>;
}

/** The prototype methods the wrapper replaces. */
export interface XhrPrototype {
  open: (...args: never[]) => unknown;
  setRequestHeader: (name: string, value: string) => unknown;
  send: (body?: never) => unknown;
}

type Method = (...args: unknown[]) => unknown;

/**
 * Wraps the XHR prototype's methods; returns a function that puts the originals back (where
 * nobody has wrapped them since; otherwise the wrappers stay, inert once `ctx.active()` is false).
 */
export function patchXhr(proto: XhrPrototype, ctx: NetworkContext): () => void {
  const states = new WeakMap<object, XhrState>();
  const target = proto as unknown as Record<'open' | 'setRequestHeader' | 'send', Method>;
  const originalOpen = target.open;
  const originalSetHeader = target.setRequestHeader;
  const originalSend = target.send;

  const open = function (this: object, ...args: unknown[]): unknown {
    const result = Reflect.apply(originalOpen, this, args);
    quietly(() => {
      states.delete(this);
      if (!ctx.active()) return;
      const url = absoluteUrl(String(args[1]), ctx.baseUrl());
      if (!isRecorderRequest(url, ctx.endpoint)) states.set(this, { method: String(args[0]).toUpperCase(), url, headers: [] });
    });
    return result;
  };

  const setRequestHeader = function (this: object, ...args: unknown[]): unknown {
    const result = Reflect.apply(originalSetHeader, this, args);
    quietly(() => states.get(this)?.headers.push([String(args[0]), String(args[1])]));
    return result;
  };

  const send = function (this: object, ...args: unknown[]): unknown {
    const state = states.get(this);
    let detach: (() => void) | null = null;
    try {
      if (state !== undefined && ctx.active()) detach = watch(this as XMLHttpRequest, state, args[0], ctx);
    } catch {
      detach = null;
    }
    try {
      return Reflect.apply(originalSend, this, args);
    } catch (error) {
      if (detach !== null) quietly(detach);
      throw error;
    }
  };

  target.open = open;
  target.setRequestHeader = setRequestHeader;
  target.send = send;
  return () => {
    if (target.open === open) target.open = originalOpen;
    if (target.setRequestHeader === setRequestHeader) target.setRequestHeader = originalSetHeader;
    if (target.send === send) target.send = originalSend;
  };
}

/** Listens for the end of one request; returns a function removing the listeners. */
function watch(xhr: XMLHttpRequest, state: XhrState, body: unknown, ctx: NetworkContext): () => void {
  const withBody = bodyAllowed(state.url, ctx.config);
  const event: NetworkEvent = { kind: 'xhr', method: state.method, url: maskSensitive(state.url), status: 0, ok: false, start: ctx.now(), duration_ms: 0 };
  const requestHeaders = filterHeaders(state.headers, ctx.config.allowedHeaders);
  if (requestHeaders !== undefined) event.request_headers = requestHeaders;
  const size = bodySize(body);
  if (size !== undefined) event.request_size = size;
  const text = bodyText(body);
  if (withBody && text !== undefined) setBody(event, 'request_body', text, ctx);

  let failure: string | undefined;
  const onError = () => (failure = 'NetworkError');
  const onAbort = () => (failure = 'AbortError');
  const onTimeout = () => (failure = 'TimeoutError');
  const onLoadEnd = () =>
    quietly(() => {
      detach();
      event.duration_ms = Math.max(0, ctx.now() - event.start);
      event.status = failure === undefined ? xhr.status : 0;
      event.ok = failure === undefined && xhr.status >= 200 && xhr.status < 300;
      if (failure !== undefined) event.error = failure;
      else describeResponse(xhr, event, withBody, ctx);
      ctx.emit(event);
    });
  const listeners: Array<[string, () => void]> = [
    ['error', onError],
    ['abort', onAbort],
    ['timeout', onTimeout],
    ['loadend', onLoadEnd],
  ];
  const detach = () => listeners.forEach(([type, listener]) => xhr.removeEventListener(type, listener));
  listeners.forEach(([type, listener]) => xhr.addEventListener(type, listener));
  return detach;
}

function describeResponse(xhr: XMLHttpRequest, event: NetworkEvent, withBody: boolean, ctx: NetworkContext): void {
  const pairs = parseRawHeaders(xhr.getAllResponseHeaders());
  const responseHeaders = filterHeaders(pairs, ctx.config.allowedHeaders);
  if (responseHeaders !== undefined) event.response_headers = responseHeaders;
  const contentType = pairs.find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  const length = pairs.find(([name]) => name.toLowerCase() === 'content-length')?.[1];
  if (length !== undefined && Number.isFinite(Number(length))) event.response_size = Number(length);
  let text: string | undefined;
  // Other response types (json, blob, arraybuffer, document) are not read: sizes come from headers.
  if (xhr.responseType === '' || xhr.responseType === 'text') text = xhr.responseText;
  if (event.response_size === undefined && text !== undefined) event.response_size = bodySize(text);
  if (withBody && text !== undefined && isTextContentType(contentType)) setBody(event, 'response_body', text, ctx);
}

function setBody(event: NetworkEvent, field: 'request_body' | 'response_body', text: string, ctx: NetworkContext): void {
  const capped = capBody(text, ctx.config.maxBodyBytes);
  event[field] = capped.body;
  if (capped.truncated) event.truncated = true;
}
