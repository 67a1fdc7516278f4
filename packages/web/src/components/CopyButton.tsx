//! A "Copy" button that puts text on the clipboard and says "Copied" for a moment.

import { useEffect, useState } from 'preact/hooks';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  const onClick = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      // Without clipboard access (plain http on another host) the text stays selectable.
    }
  };
  return (
    <button type="button" class="button copy-button" onClick={onClick} aria-label={label}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
