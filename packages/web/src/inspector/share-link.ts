//! "Copy link at current time": the link, and copying text with a fallback for browsers (or
//! insecure origins) without the async Clipboard API.

import { sessionPath } from '../routes.ts';

/** Returns `${origin}/sessions/{id}?t=MS`, with `&window=W` when a tab other than the default is open. */
export function shareLink(origin: string, sessionId: string, ms: number, windowId?: string | null): string {
  return `${origin}${sessionPath(sessionId, { t: ms, window: windowId ?? undefined })}`;
}

/** What `copyText` needs from the browser (injected in tests). */
export interface ClipboardEnv {
  /** `navigator.clipboard`, when the page may use it. */
  clipboard?: { writeText(text: string): Promise<void> } | undefined;
  /** The legacy path: select `text` in a hidden field and run the copy command. */
  legacyCopy(text: string): boolean;
}

/** Copies `text`; resolves to whether it reached the clipboard. */
export async function copyText(text: string, env: ClipboardEnv): Promise<boolean> {
  if (env.clipboard) {
    try {
      await env.clipboard.writeText(text);
      return true;
    } catch {
      // Denied (no user gesture, no permission): try the legacy path.
    }
  }
  try {
    return env.legacyCopy(text);
  } catch {
    return false;
  }
}

/** The browser's clipboard paths. */
export function browserClipboard(): ClipboardEnv {
  return {
    clipboard: typeof navigator !== 'undefined' && navigator.clipboard ? navigator.clipboard : undefined,
    legacyCopy(text) {
      const field = document.createElement('textarea');
      field.value = text;
      field.setAttribute('readonly', '');
      field.style.position = 'fixed';
      field.style.opacity = '0';
      const focused = document.activeElement;
      document.body.append(field);
      field.select();
      try {
        // Deprecated, but the only copy path without the Clipboard API.
        return document.execCommand('copy');
      } finally {
        field.remove();
        if (focused instanceof HTMLElement) focused.focus();
      }
    },
  };
}
