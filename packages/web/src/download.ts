//! Downloading a session export (`GET /api/v1/sessions/{id}/export?format=…`, docs/API.md)
//! with progress: "Preparing export…" until the server answers, then the bytes received, as the
//! server writes the file window by window (it streams, so there is no Content-Length; should a
//! proxy add one, a percentage is shown). A download that breaks off is an error, never a file.

import { ApiError } from './api.ts';

export type ExportFormat = 'tapedeck' | 'html';

/** Where a download is. `total` is null when the server sent no length. */
export type DownloadProgress =
  | { phase: 'preparing' }
  | { phase: 'downloading'; received: number; total: number | null };

export function exportUrl(id: string, format: ExportFormat): string {
  return `/api/v1/sessions/${encodeURIComponent(id)}/export?format=${format}`;
}

/** The file name of a `Content-Disposition: attachment; filename="…"` header, or `fallback`. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  const name = /filename="([^"/\\]+)"/.exec(header ?? '')?.[1];
  return name && name.trim() ? name : fallback;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A short line for the progress indicator. */
export function progressLabel(progress: DownloadProgress): string {
  if (progress.phase === 'preparing') return 'Preparing export…';
  const { received, total } = progress;
  if (total && total > 0) return `Downloading ${Math.min(100, Math.floor((received / total) * 100))}%`;
  return `Downloading ${formatBytes(received)}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string' && typeof body.error.message === 'string') {
      return new ApiError(response.status, body.error.code, body.error.message);
    }
  } catch {
    // not a JSON error body
  }
  return new ApiError(response.status, `http_${response.status}`, `The server answered ${response.status}.`);
}

/** Fetches the export, reporting progress, and hands it to the browser as a file download. */
export async function downloadExport(
  id: string,
  format: ExportFormat,
  onProgress: (progress: DownloadProgress) => void,
): Promise<void> {
  onProgress({ phase: 'preparing' });
  let response: Response;
  try {
    response = await fetch(exportUrl(id, format), { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', 'Could not reach the Tapedeck server. Check your connection and try again.');
  }
  if (!response.ok) throw await errorOf(response);
  const total = Number(response.headers.get('content-length')) || null;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  onProgress({ phase: 'downloading', received, total });
  const reader = response.body?.getReader();
  if (reader) {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        // The server aborts the body when the export fails part-way.
        throw new ApiError(0, 'download_failed', 'The download broke off before the end. Try again.');
      }
      if (next.done) break;
      chunks.push(next.value as Uint8Array<ArrayBuffer>);
      received += next.value.length;
      onProgress({ phase: 'downloading', received, total });
    }
  }
  const type = response.headers.get('content-type') ?? 'application/octet-stream';
  const name = filenameFromDisposition(response.headers.get('content-disposition'), `tapedeck-${id}.${format}`);
  const href = URL.createObjectURL(new Blob(chunks, { type }));
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click's navigation ran.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
