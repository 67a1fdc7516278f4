//! A destructive button that asks once more in place ("Revoke?" → "Yes, revoke" / "Cancel")
//! instead of a browser dialog, so the question sits next to what it is about.

import { useState } from 'preact/hooks';

interface ConfirmButtonProps {
  label: string;
  /** The question shown before the confirming button, e.g. "Revoke this key?". */
  question: string;
  confirmLabel: string;
  disabled?: boolean;
  onConfirm(): Promise<void> | void;
}

export function ConfirmButton({ label, question, confirmLabel, disabled, onConfirm }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="button button--small button--danger-quiet" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span class="confirm" role="group" aria-label={question}>
      <span class="confirm__question">{question}</span>
      <button type="button" class="button button--small button--danger" disabled={busy} onClick={confirm}>
        {busy ? 'Working…' : confirmLabel}
      </button>
      <button type="button" class="button button--small button--quiet" disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
