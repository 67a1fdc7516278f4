//! One request in detail: general facts, request and response headers, and the bodies the
//! recorder captured (pretty-printed when they are JSON).

import { formatOffset } from '../../format.ts';
import type { ComponentChildren } from 'preact';
import { headerValue, readBody } from '../../inspector/json-tokens.ts';
import { formatBytes, formatMs, type NetworkRow } from '../../inspector/network-rows.ts';
import { JsonView, keepFocus } from './parts.tsx';

function Section({ title, count, children }: { title: string; count?: number; children: ComponentChildren }) {
  return (
    <details class="net-detail__section" open>
      <summary onMouseDown={keepFocus}>
        {title}
        {count !== undefined && <span class="muted"> ({count})</span>}
      </summary>
      {children}
    </details>
  );
}

function Headers({ headers, none }: { headers: Record<string, string>; none: string }) {
  const names = Object.keys(headers).sort();
  if (names.length === 0) return <p class="muted small net-detail__none">{none}</p>;
  return (
    <dl class="kv">
      {names.map((name) => (
        <div key={name} class="kv__row">
          <dt>{name}</dt>
          <dd>{headers[name]}</dd>
        </div>
      ))}
    </dl>
  );
}

function Body({ body, contentType }: { body: string | null; contentType: string | null }) {
  if (body === null) {
    return <p class="muted small net-detail__none">Not captured. Bodies are recorded only for the URLs listed in the recorder's <code>captureNetwork.bodyUrls</code>.</p>;
  }
  const view = readBody(body, contentType);
  if (view.kind === 'json') return <JsonView value={view.value} />;
  return view.text ? <pre class="net-detail__text">{view.text}</pre> : <p class="muted small net-detail__none">Empty.</p>;
}

export function NetworkDetail({ row, onClose, onSeek }: { row: NetworkRow; onClose(): void; onSeek(ms: number): void }) {
  const general: [string, ComponentChildren][] = [
    ['URL', <span class="mono">{row.url}</span>],
    ['Method', row.method],
    ['Status', <span class={row.failed ? 'text-bad' : undefined}>{row.status === 0 ? 'no answer' : row.status}</span>],
    ['Type', row.type || '—'],
    [
      'Started',
      <button type="button" class="link-button" onMouseDown={keepFocus} onClick={() => onSeek(row.start)}>
        {formatOffset(row.start)}
      </button>,
    ],
    ['Duration', formatMs(row.durationMs)],
    ['Request size', formatBytes(row.requestSize)],
    ['Response size', formatBytes(row.responseSize)],
  ];
  if (row.error) general.push(['Error', <span class="text-bad">{row.error}</span>]);
  return (
    <section class="net-detail" aria-label="Request details">
      <header class="net-detail__head">
        <span class={`net-detail__status${row.failed ? ' text-bad' : ''}`}>{row.status === 0 ? 'failed' : row.status}</span>
        <span class="net-detail__title" title={row.url}>
          {row.method} {row.url}
        </span>
        <button type="button" class="icon-button" aria-label="Close the request details" onMouseDown={keepFocus} onClick={onClose}>
          ×
        </button>
      </header>
      <div class="net-detail__body">
        {row.truncated && <p class="panel-note">Part of this request's data was cut at the capture limit.</p>}
        <Section title="General">
          <dl class="kv">
            {general.map(([k, v]) => (
              <div key={k} class="kv__row">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </Section>
        <Section title="Response headers" count={Object.keys(row.responseHeaders).length}>
          <Headers headers={row.responseHeaders} none="None captured." />
        </Section>
        <Section title="Request headers" count={Object.keys(row.requestHeaders).length}>
          <Headers headers={row.requestHeaders} none="None captured (only allowed headers are recorded; credentials never are)." />
        </Section>
        {(row.requestBody !== null || row.method !== 'GET') && (
          <Section title="Request body">
            <Body body={row.requestBody} contentType={headerValue(row.requestHeaders, 'content-type')} />
          </Section>
        )}
        <Section title="Response body">
          <Body body={row.responseBody} contentType={headerValue(row.responseHeaders, 'content-type')} />
        </Section>
      </div>
    </section>
  );
}
