//! The Info tab's links to tickets and issues (`GET/POST/DELETE /api/v1/sessions/{id}/links`):
//! each as a link when it has a safe URL, a form that adds one, × to remove those people added.
//! Until the list loads (or if it cannot), the recorder's own ticket from the metadata is shown.

import { useEffect, useState } from 'preact/hooks';
import { addLink, deleteLink, listLinks, type SessionLink } from '../../api.ts';
import { safeHttpUrl } from '../../inspector/note-rules.ts';
import { errorMessage } from '../../use-session-data.ts';
import { keepFocus } from './parts.tsx';

interface LinksSectionProps {
  sessionId: string;
  /** The ticket the recorder sent (`metadata.ticket`), shown when the links API has nothing. */
  recorderTicket: { ref: string; url: string | null } | null;
  canEdit: boolean;
}

const KINDS = [
  ['ticket', 'Ticket'],
  ['issue', 'Issue'],
  ['link', 'Link'],
] as const;

export function LinksSection({ sessionId, recorderTicket, canEdit }: LinksSectionProps) {
  const [links, setLinks] = useState<SessionLink[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    let live = true;
    listLinks(sessionId).then(
      (answer) => live && setLinks(answer.links),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [sessionId]);

  const shown: SessionLink[] = links ?? [];
  const fallback = recorderTicket && !shown.some((l) => l.ref === recorderTicket.ref) ? recorderTicket : null;
  if (!canEdit && shown.length === 0 && !fallback) return null;
  return (
    <section class="info__section" aria-label="Links">
      <h3>Tickets and links</h3>
      <ul class="plain-list links">
        {fallback && (
          <li class="link-item">
            <LinkRef kind="ticket" refText={fallback.ref} url={fallback.url} />
          </li>
        )}
        {shown.map((link) => (
          <li key={link.id ?? `${link.kind}:${link.ref}`} class="link-item">
            <LinkRef kind={link.kind} refText={link.ref} url={link.url ?? null} />
            {link.created_by === null && <span class="muted small">from the recorder</span>}
            {canEdit && link.id && (
              <button
                type="button"
                class="icon-button link-item__remove"
                aria-label={`Remove link ${link.ref}`}
                onMouseDown={keepFocus}
                onClick={async () => {
                  try {
                    await deleteLink(sessionId, link.id as string);
                    setLinks((list) => list?.filter((l) => l.id !== link.id) ?? null);
                  } catch (e) {
                    setError(errorMessage(e));
                  }
                }}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {!fallback && shown.length === 0 && links !== null && <p class="muted small">No ticket linked.</p>}
      {canEdit &&
        (adding ? (
          <AddLinkForm
            onCancel={() => setAdding(false)}
            onAdd={async (link) => {
              const saved = await addLink(sessionId, link);
              setLinks((list) => [...(list ?? []).filter((l) => l.id !== saved.id), saved]);
              setAdding(false);
            }}
          />
        ) : (
          <button type="button" class="link-button small" onClick={() => setAdding(true)}>
            + Link a ticket
          </button>
        ))}
      {error && (
        <p class="status-error small" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function LinkRef({ kind, refText, url }: { kind: string; refText: string; url: string | null }) {
  const safe = safeHttpUrl(url);
  return (
    <>
      <span class="badge badge--muted">{kind}</span>
      {safe ? (
        <a class="ticket" href={safe} target="_blank" rel="noopener noreferrer">
          {refText} ↗
        </a>
      ) : (
        <span class="ticket">{refText}</span>
      )}
    </>
  );
}

function AddLinkForm({ onAdd, onCancel }: { onAdd(link: { kind: string; ref: string; url?: string }): Promise<void>; onCancel(): void }) {
  const [kind, setKind] = useState('ticket');
  const [ref, setRef] = useState('');
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="link-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!ref.trim()) return setError('Enter the ticket reference, e.g. ZD-1234.');
        if (url.trim() && !safeHttpUrl(url.trim())) return setError('The URL must start with http:// or https://.');
        setBusy(true);
        setError(null);
        try {
          await onAdd({ kind, ref: ref.trim(), ...(url.trim() ? { url: url.trim() } : {}) });
        } catch (err) {
          setError(errorMessage(err));
          setBusy(false);
        }
      }}
    >
      <div class="link-form__row">
        <select class="input input--small link-form__kind" aria-label="Kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}>
          {KINDS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <input class="input input--small" aria-label="Reference" placeholder="ZD-1234" value={ref} onInput={(e) => setRef((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <input class="input input--small" aria-label="URL (optional)" placeholder="https://support.example.com/tickets/1234 (optional)" value={url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
      {error && (
        <p class="status-error small" role="alert">
          {error}
        </p>
      )}
      <div class="filter-editor__actions">
        <button type="button" class="button button--quiet button--small" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" class="button button--primary button--small" disabled={busy}>
          Add link
        </button>
      </div>
    </form>
  );
}
