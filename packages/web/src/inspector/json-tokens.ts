//! Pretty JSON as coloured tokens: the details of events and the bodies of requests are shown
//! as formatted, syntax-coloured JSON. Rendering tokens (not HTML strings) keeps recorded text
//! from ever being parsed as markup.

export type JsonTokenType = 'key' | 'string' | 'number' | 'boolean' | 'null' | 'punct' | 'space';

export interface JsonToken {
  type: JsonTokenType;
  text: string;
}

/** Nesting deeper than this is shown as `…` (recorded data is bounded, but be safe). */
const MAX_DEPTH = 40;

/**
 * Returns `value` as pretty-printed JSON tokens, two spaces per level, in `JSON.stringify`'s
 * spacing: joining the texts gives exactly `JSON.stringify(value, null, 2)` for plain data.
 */
export function jsonTokens(value: unknown): JsonToken[] {
  const out: JsonToken[] = [];
  const push = (type: JsonTokenType, text: string): void => {
    out.push({ type, text });
  };
  const write = (v: unknown, depth: number): void => {
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') return push('null', 'null');
    if (typeof v === 'string') return push('string', JSON.stringify(v));
    if (typeof v === 'number') return push(Number.isFinite(v) ? 'number' : 'null', Number.isFinite(v) ? String(v) : 'null');
    if (typeof v === 'bigint') return push('number', v.toString());
    if (typeof v === 'boolean') return push('boolean', String(v));
    if (depth >= MAX_DEPTH) return push('punct', '…');
    const pad = '  '.repeat(depth + 1);
    if (Array.isArray(v)) {
      if (v.length === 0) return push('punct', '[]');
      push('punct', '[');
      v.forEach((item, i) => {
        push('space', `\n${pad}`);
        write(item, depth + 1);
        if (i < v.length - 1) push('punct', ',');
      });
      push('space', `\n${'  '.repeat(depth)}`);
      return push('punct', ']');
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function');
    if (entries.length === 0) return push('punct', '{}');
    push('punct', '{');
    entries.forEach(([k, item], i) => {
      push('space', `\n${pad}`);
      push('key', JSON.stringify(k));
      push('punct', ': ');
      write(item, depth + 1);
      if (i < entries.length - 1) push('punct', ',');
    });
    push('space', `\n${'  '.repeat(depth)}`);
    push('punct', '}');
  };
  write(value, 0);
  return out;
}

/** A request or response body as shown: parsed JSON when it is JSON, else the text. */
export type BodyView = { kind: 'json'; value: unknown } | { kind: 'text'; text: string };

/**
 * Reads a captured body. JSON is recognised by its content type or by its shape (an object or
 * array); a body that does not parse (e.g. cut at the capture limit) stays text.
 */
export function readBody(body: string, contentType?: string | null): BodyView {
  const trimmed = body.trim();
  const looksJson = /^[[{]/.test(trimmed) || /\bjson\b/i.test(contentType ?? '');
  if (looksJson && trimmed) {
    try {
      return { kind: 'json', value: JSON.parse(trimmed) };
    } catch {
      // Not JSON after all (or truncated): show it as it is.
    }
  }
  return { kind: 'text', text: body };
}

/** Returns the value of header `name` (any case) or null. */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return null;
}
