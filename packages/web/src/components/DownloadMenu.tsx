//! The player page's "Download" menu: the session as a portable `.tapedeck` file (for
//! `tapedeck import`) or as one HTML page that replays offline. Shows progress while the server
//! prepares the file and while it downloads, and the server's message when it fails.

import { useRef, useState } from 'preact/hooks';
import { downloadExport, progressLabel, type DownloadProgress, type ExportFormat } from '../download.ts';

const CHOICES: { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'html', label: 'HTML replay (.html)', hint: 'One file that replays in any browser, offline' },
  { format: 'tapedeck', label: 'Tapedeck file (.tapedeck)', hint: 'For tapedeck import on another server' },
];

export function DownloadMenu({ sessionId }: { sessionId: string }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);

  const start = (format: ExportFormat): void => {
    if (menu.current) menu.current.open = false;
    setError(null);
    downloadExport(sessionId, format, setProgress).then(
      () => setProgress(null),
      (e: unknown) => {
        setProgress(null);
        setError(e instanceof Error ? e.message : 'The download failed.');
      },
    );
  };

  return (
    <div class="download-menu">
      {progress ? (
        <span class="download-menu__progress muted small" role="status">
          <span class="spinner" aria-hidden="true" /> {progressLabel(progress)}
        </span>
      ) : (
        <details ref={menu} class="download-menu__details">
          <summary class="button button--quiet">Download</summary>
          <div class="download-menu__list" role="menu">
            {CHOICES.map((c) => (
              <button key={c.format} type="button" role="menuitem" class="download-menu__item" onClick={() => start(c.format)}>
                <span class="strong">{c.label}</span>
                <span class="muted small">{c.hint}</span>
              </button>
            ))}
          </div>
        </details>
      )}
      {error && (
        <span class="download-menu__error small" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
