//! The bar above the player: where you are (breadcrumbs), "Copy link at current time" with its
//! toast, and the Download menu.

import { formatClock } from '@tapedeck/player/src/time-format.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../api.ts';
import { userLabel } from '../format.ts';
import type { Playhead } from '../inspector/playhead.ts';
import { browserClipboard, copyText, shareLink } from '../inspector/share-link.ts';
import { timeNow } from '../player-link.ts';
import { DownloadMenu } from './DownloadMenu.tsx';
import { keepFocus } from './inspector/parts.tsx';
import { Link } from './Link.tsx';

/** How long the toast stays (ms). */
const TOAST_MS = 4000;

interface ToastState {
  copied: boolean;
  link: string;
}

/** The link copied, or — when the browser would not copy — the link selected for the user. */
function Toast({ toast, onClose }: { toast: ToastState; onClose(): void }) {
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!toast.copied) field.current?.select();
  }, [toast]);
  return (
    <div class={`toast${toast.copied ? '' : ' toast--manual'}`} role="status" aria-live="polite">
      <span class="toast__title">{toast.copied ? 'Link copied' : 'Copy this link'}</span>
      {toast.copied ? (
        <span class="toast__link mono" title={toast.link}>
          {toast.link.replace(/^[a-z]+:\/\/[^/]+/i, '')}
        </span>
      ) : (
        <input ref={field} class="input input--small mono toast__field" readOnly value={toast.link} aria-label="Link at the current time" />
      )}
      <button type="button" class="icon-button" aria-label="Close" onMouseDown={keepFocus} onClick={onClose}>
        ×
      </button>
    </div>
  );
}

function LinkIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" aria-hidden="true">
      <path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7" />
      <path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" />
    </svg>
  );
}

/** Re-renders when the playhead's whole second changes (for labels that show the time). */
function usePlayheadSecond(playhead: Playhead): number {
  const [second, setSecond] = useState(() => Math.floor(playhead.get() / 1000));
  useEffect(() => playhead.subscribe((ms) => setSecond(Math.floor(ms / 1000))), [playhead]);
  return second;
}

export function SessionToolbar({
  id,
  session,
  windowId,
  playhead,
  showDownload,
}: {
  id: string;
  session: Session | null;
  windowId: string | null;
  playhead: Playhead;
  showDownload: boolean;
}) {
  const second = usePlayheadSecond(playhead);
  const [toast, setToast] = useState<ToastState | null>(null);
  useEffect(() => {
    if (!toast?.copied) return;
    const timer = window.setTimeout(() => setToast(null), TOAST_MS);
    return () => window.clearTimeout(timer);
  }, [toast]);

  const copyLink = async (): Promise<void> => {
    const link = shareLink(location.origin, id, timeNow(playhead), windowId);
    const copied = await copyText(link, browserClipboard());
    setToast({ copied, link });
  };

  return (
    <div class="replay-page__crumbs">
      <Link href="/">Sessions</Link>
      <span class="muted">/</span>
      {session ? <span class="crumb__user">{userLabel(session)}</span> : null}
      <span class="mono muted crumb__id" title="Session id">
        {id}
      </span>
      <div class="replay-page__actions">
        <button type="button" class="button button--small copy-link" onMouseDown={keepFocus} onClick={() => void copyLink()}>
          <LinkIcon /> Copy link at <span class="tabular">{formatClock(second * 1000)}</span>
        </button>
        {showDownload && <DownloadMenu sessionId={id} />}
      </div>
      {toast && <Toast toast={toast} onClose={() => setToast(null)} />}
    </div>
  );
}
