//! Small pieces the inspector panels share: chips, the search field, the follow toggle, panel
//! messages (loading, empty, error) and the JSON view.

import type { ComponentChildren, RefObject } from 'preact';
import type { Follow } from './use-follow.ts';
import { formatOffset } from '../../format.ts';
import { jsonTokens } from '../../inspector/json-tokens.ts';

/**
 * For `onMouseDown` of the panels' buttons: a click keeps the focus where it was (the page or
 * the player), so the player's keyboard shortcuts keep working after clicking a row, and space
 * never "clicks" the last row clicked. Keyboard users still tab to the buttons.
 */
export const keepFocus = (event: MouseEvent): void => event.preventDefault();

/** The time of an entry as the player's clock shows it. */
export function Clock({ ms }: { ms: number }) {
  return (
    <span class="irow__time" title={`${Math.round(ms).toLocaleString('en-US')} ms from the start`}>
      {formatOffset(ms)}
    </span>
  );
}

export function Chip({
  label,
  count,
  on,
  tone,
  onToggle,
}: {
  label: string;
  count?: number;
  on: boolean;
  tone?: string;
  onToggle(): void;
}) {
  return (
    <button
      type="button"
      class={`chip${on ? ' chip--on' : ''}${tone ? ` chip--${tone}` : ''}`}
      aria-pressed={on}
      onMouseDown={keepFocus}
      onClick={onToggle}
    >
      {label}
      {count !== undefined && <span class="chip__count">{count.toLocaleString('en-US')}</span>}
    </button>
  );
}

/**
 * A search box. Escape clears it and hands the keyboard back to the player (the field is the
 * one place in the panels where keys are the user's own).
 */
export function SearchField({ value, placeholder, onInput }: { value: string; placeholder: string; onInput(value: string): void }) {
  return (
    <input
      type="search"
      class="input input--small inspector-search"
      placeholder={placeholder}
      aria-label={placeholder}
      value={value}
      onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        onInput('');
        (e.currentTarget as HTMLInputElement).blur();
      }}
    />
  );
}

export function FollowToggle({ follow, onChange }: { follow: boolean; onChange(on: boolean): void }) {
  return (
    <button
      type="button"
      class={`follow${follow ? ' follow--on' : ''}`}
      aria-pressed={follow}
      title={follow ? 'The list follows the playhead; scroll to stop' : 'Follow the playhead again'}
      onMouseDown={keepFocus}
      onClick={() => onChange(!follow)}
    >
      <span class="follow__dot" aria-hidden="true" />
      Follow
    </button>
  );
}

/**
 * The scrolling box around a panel's rows: the rows of the window (`useFollow`), with buttons
 * for the rows before and after it when a long list is cut.
 */
export function RowScroller({
  follow,
  total,
  hidden,
  class: className,
  children,
}: {
  follow: Follow;
  total: number;
  hidden?: boolean;
  class?: string;
  children: ComponentChildren;
}) {
  const { win, page, scrollerRef } = follow;
  return (
    <div ref={scrollerRef as RefObject<HTMLDivElement>} class={`irows-scroll${className ? ` ${className}` : ''}`} hidden={hidden}>
      {win.start > 0 && (
        <button type="button" class="irows__more" onMouseDown={keepFocus} onClick={() => page(-1)}>
          Show earlier entries ({win.start.toLocaleString('en-US')} more)
        </button>
      )}
      {children}
      {win.end < total && (
        <button type="button" class="irows__more" onMouseDown={keepFocus} onClick={() => page(1)}>
          Show later entries ({(total - win.end).toLocaleString('en-US')} more)
        </button>
      )}
    </div>
  );
}

/** The toolbar above a panel's list. */
export function Toolbar({ hidden, children }: { hidden?: boolean; children: ComponentChildren }) {
  return (
    <div class="inspector-toolbar" hidden={hidden}>
      {children}
    </div>
  );
}

/** A centred message filling an empty, loading or failed panel. */
export function PanelMessage({
  title,
  tone = 'neutral',
  children,
  onRetry,
}: {
  title: string;
  tone?: 'neutral' | 'error' | 'loading';
  children?: ComponentChildren;
  onRetry?: () => void;
}) {
  return (
    <div class={`panel-message panel-message--${tone}`} role={tone === 'error' ? 'alert' : tone === 'loading' ? 'status' : undefined}>
      {tone === 'loading' && <span class="spinner" aria-hidden="true" />}
      <p class="panel-message__title">{title}</p>
      {children && <div class="panel-message__body">{children}</div>}
      {onRetry && (
        <button type="button" class="button button--small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** `value` as pretty, syntax-coloured JSON. Text nodes only: recorded strings are never markup. */
export function JsonView({ value }: { value: unknown }) {
  return (
    <pre class="json">
      {jsonTokens(value).map((t, i) =>
        t.type === 'space' || t.type === 'punct' ? t.text : <span key={i} class={`json__${t.type}`}>{t.text}</span>,
      )}
    </pre>
  );
}
