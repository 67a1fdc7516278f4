//! A secret or one-time link the server shows once (API key secret, invitation link, password
//! reset link): the value with a copy button, a warning that it will not be shown again, and
//! a button to put it away.

import type { ComponentChildren } from 'preact';
import { CopyButton } from '../CopyButton.tsx';

interface OneTimeSecretProps {
  title: string;
  value: string;
  copyLabel: string;
  children?: ComponentChildren;
  onDone(): void;
}

export function OneTimeSecret({ title, value, copyLabel, children, onDone }: OneTimeSecretProps) {
  return (
    <div class="one-time" role="status" aria-label={title}>
      <div class="one-time__head">
        <span class="one-time__icon" aria-hidden="true">!</span>
        <div>
          <p class="one-time__title">{title}</p>
          <p class="one-time__text">{children ?? 'Copy it now: it is shown only this once and cannot be shown again.'}</p>
        </div>
      </div>
      <div class="copy-line">
        <code class="copy-line__value mono one-time__value" data-secret>
          {value}
        </code>
        <CopyButton text={value} label={copyLabel} />
      </div>
      <div class="one-time__foot">
        <button type="button" class="button button--small" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </div>
  );
}
