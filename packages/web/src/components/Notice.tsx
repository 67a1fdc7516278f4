//! A centred message block for empty, error and not-found states.

import type { ComponentChildren } from 'preact';

interface NoticeProps {
  title: string;
  tone?: 'neutral' | 'error';
  onRetry?: () => void;
  children?: ComponentChildren;
}

export function Notice({ title, tone = 'neutral', onRetry, children }: NoticeProps) {
  return (
    <section class={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : undefined}>
      <h2 class="notice__title">{title}</h2>
      {children && <div class="notice__body">{children}</div>}
      {onRetry && (
        <button type="button" class="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </section>
  );
}
