/**
 * Bounded serialization of console arguments: each argument becomes one string, JSON-like for
 * objects, with limits on depth, keys, array items, string length and total size (constants in
 * config.ts). Cycles, DOM nodes (described by tag, id and class only), errors, functions,
 * symbols and bigints are handled; getters are never invoked; nothing throws. Values of
 * secret-looking keys and secret-looking text are masked (`mask.ts`). Pure: no DOM globals.
 */

import {
  CONSOLE_MAX_ARGS,
  SERIALIZE_MAX_ARRAY_ITEMS,
  SERIALIZE_MAX_DEPTH,
  SERIALIZE_MAX_KEYS,
  SERIALIZE_MAX_STRING_CHARS,
  SERIALIZE_MAX_TOTAL_CHARS,
} from '../config';
import { MASK, isSecretName, maskSensitive } from './mask';

export interface SerializeLimits {
  maxArgs: number;
  maxDepth: number;
  maxKeys: number;
  maxArrayItems: number;
  maxStringChars: number;
  maxTotalChars: number;
}

export const DEFAULT_SERIALIZE_LIMITS: SerializeLimits = {
  maxArgs: CONSOLE_MAX_ARGS,
  maxDepth: SERIALIZE_MAX_DEPTH,
  maxKeys: SERIALIZE_MAX_KEYS,
  maxArrayItems: SERIALIZE_MAX_ARRAY_ITEMS,
  maxStringChars: SERIALIZE_MAX_STRING_CHARS,
  maxTotalChars: SERIALIZE_MAX_TOTAL_CHARS,
};

const ELLIPSIS = '…';

/** Collects output up to a character budget; `full` once the budget is spent. */
class BoundedWriter {
  private readonly parts: string[] = [];
  private length = 0;
  full = false;

  constructor(private readonly maxChars: number) {}

  write(text: string): void {
    if (this.full) return;
    if (this.length + text.length > this.maxChars) {
      this.parts.push(text.slice(0, Math.max(0, this.maxChars - this.length)), ELLIPSIS);
      this.length = this.maxChars;
      this.full = true;
      return;
    }
    this.parts.push(text);
    this.length += text.length;
  }

  get used(): number {
    return this.length;
  }

  toString(): string {
    return this.parts.join('');
  }
}

/**
 * Serializes console arguments; all of them together stay within `maxTotalChars`. Arguments past
 * `maxArgs`, or past the budget, are summarised in a last `… N more` entry.
 */
export function serializeArgs(args: readonly unknown[], limits: SerializeLimits = DEFAULT_SERIALIZE_LIMITS): string[] {
  const out: string[] = [];
  let remaining = limits.maxTotalChars;
  const count = Math.min(args.length, limits.maxArgs);
  let i = 0;
  for (; i < count && remaining > 0; i += 1) {
    const writer = new BoundedWriter(remaining);
    writeValue(writer, args[i], 0, [], limits);
    out.push(writer.toString());
    remaining -= writer.used;
  }
  if (i < args.length) out.push(`${ELLIPSIS} ${args.length - i} more`);
  return out;
}

/** Serializes one value within the limits. */
export function serializeValue(value: unknown, limits: SerializeLimits = DEFAULT_SERIALIZE_LIMITS): string {
  const writer = new BoundedWriter(limits.maxTotalChars);
  writeValue(writer, value, 0, [], limits);
  return writer.toString();
}

function writeValue(writer: BoundedWriter, value: unknown, depth: number, path: object[], limits: SerializeLimits): void {
  try {
    if (typeof value === 'string') {
      const text = boundedString(value, limits.maxStringChars);
      writer.write(depth === 0 ? text : JSON.stringify(text));
    } else if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') {
      writer.write(String(value));
    } else if (typeof value === 'bigint') {
      writer.write(`${value.toString()}n`);
    } else if (typeof value === 'symbol') {
      writer.write(value.toString());
    } else if (typeof value === 'function') {
      writer.write(value.name ? `[Function: ${value.name}]` : '[Function]');
    } else {
      writeObject(writer, value, depth, path, limits);
    }
  } catch {
    writer.write('[Unserializable]');
  }
}

function writeObject(writer: BoundedWriter, value: object, depth: number, path: object[], limits: SerializeLimits): void {
  if (path.includes(value)) return writer.write('[Circular]');
  if (isDomNode(value)) return writer.write(describeNode(value));
  if (isError(value)) return writer.write(describeError(value, depth, limits));
  if (value instanceof Date) return writer.write(isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString());
  if (value instanceof RegExp) return writer.write(String(value));
  const isArray = Array.isArray(value);
  if (depth >= limits.maxDepth) {
    return writer.write(isArray ? `[Array(${(value as unknown[]).length})]` : '[Object]');
  }
  path.push(value);
  try {
    if (isArray) writeItems(writer, value as unknown[], '[', ']', depth, path, limits);
    else if (value instanceof Set) writeItems(writer, Array.from(value), `Set(${value.size}) [`, ']', depth, path, limits);
    else if (value instanceof Map) writeMap(writer, value, depth, path, limits);
    else writeProperties(writer, value, depth, path, limits);
  } finally {
    path.pop();
  }
}

function writeItems(
  writer: BoundedWriter,
  items: readonly unknown[],
  open: string,
  close: string,
  depth: number,
  path: object[],
  limits: SerializeLimits,
): void {
  writer.write(open);
  const shown = Math.min(items.length, limits.maxArrayItems);
  for (let i = 0; i < shown && !writer.full; i += 1) {
    if (i > 0) writer.write(',');
    writeValue(writer, items[i], depth + 1, path, limits);
  }
  if (items.length > shown) writer.write(`,${ELLIPSIS} ${items.length - shown} more`);
  writer.write(close);
}

function writeMap(writer: BoundedWriter, map: Map<unknown, unknown>, depth: number, path: object[], limits: SerializeLimits): void {
  writer.write(`Map(${map.size}) {`);
  let i = 0;
  for (const [key, item] of map) {
    if (writer.full) return;
    if (i >= limits.maxArrayItems) {
      writer.write(`,${ELLIPSIS} ${map.size - i} more`);
      break;
    }
    if (i > 0) writer.write(',');
    writeValue(writer, key, depth + 1, path, limits);
    writer.write(' => ');
    if (typeof key === 'string' && isSecretName(key)) writer.write(JSON.stringify(MASK));
    else writeValue(writer, item, depth + 1, path, limits);
    i += 1;
  }
  writer.write('}');
}

function writeProperties(writer: BoundedWriter, value: object, depth: number, path: object[], limits: SerializeLimits): void {
  const keys = Object.keys(value);
  writer.write('{');
  const shown = Math.min(keys.length, limits.maxKeys);
  for (let i = 0; i < shown && !writer.full; i += 1) {
    const key = keys[i];
    if (i > 0) writer.write(',');
    writer.write(`${JSON.stringify(boundedString(key, limits.maxStringChars))}:`);
    // Own data properties only: a getter could have side effects in the host page.
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (isSecretName(key)) writer.write(JSON.stringify(MASK));
    else if (descriptor === undefined || !('value' in descriptor)) writer.write('[Getter]');
    else writeValue(writer, descriptor.value, depth + 1, path, limits);
  }
  if (keys.length > shown) writer.write(`,${ELLIPSIS} ${keys.length - shown} more`);
  writer.write('}');
}

/** Masks, then cuts `text` to `maxChars` (masking first, so a cut never exposes half a secret). */
export function boundedString(text: string, maxChars: number): string {
  // A little slack so a secret straddling the cut is still recognised as one.
  const masked = maskSensitive(text.length > maxChars + 64 ? text.slice(0, maxChars + 64) : text);
  return masked.length > maxChars ? `${masked.slice(0, maxChars)}${ELLIPSIS}` : masked;
}

interface NodeLike {
  nodeType: number;
  nodeName: string;
}

function isDomNode(value: object): value is NodeLike {
  const node = value as Partial<NodeLike>;
  return typeof node.nodeType === 'number' && typeof node.nodeName === 'string';
}

/** `<div#id.class>`, `#text`, `#document`: never the node's text or other attributes. */
function describeNode(node: NodeLike): string {
  if (node.nodeType !== 1) return `[${node.nodeName}]`;
  const element = node as NodeLike & { id?: unknown; className?: unknown; tagName?: unknown };
  const tag = String(typeof element.tagName === 'string' ? element.tagName : node.nodeName).toLowerCase();
  const id = typeof element.id === 'string' && element.id !== '' ? `#${element.id}` : '';
  const classes =
    typeof element.className === 'string' && element.className.trim() !== ''
      ? `.${element.className.trim().split(/\s+/).join('.')}`
      : '';
  return `<${boundedString(`${tag}${id}${classes}`, 200)}>`;
}

interface ErrorLike {
  name: string;
  message: string;
  stack?: unknown;
}

function isError(value: object): value is ErrorLike {
  return value instanceof Error;
}

function describeError(error: ErrorLike, depth: number, limits: SerializeLimits): string {
  const head = `${String(error.name)}: ${String(error.message)}`;
  if (depth > 0) return `[${boundedString(head, limits.maxStringChars)}]`;
  const stack = typeof error.stack === 'string' ? error.stack : '';
  // V8 stacks start with "Name: message"; Firefox and Safari stacks list frames only.
  return boundedString(stack.startsWith(head) ? stack : stack === '' ? head : `${head}\n${stack}`, limits.maxStringChars);
}
