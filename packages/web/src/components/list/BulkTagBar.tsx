//! The bar shown while rows are selected: how many, "Add tag" and "Remove tag" for all of them
//! at once (`POST /api/v1/sessions/tags`), and clearing the selection.

import { useEffect, useRef, useState } from 'preact/hooks';
import { bulkTagSessions } from '../../api.ts';
import { parseTag, tagLabel } from '../../list/tags.ts';
import { errorMessage } from '../../use-session-data.ts';

/** The API's cap on sessions per bulk request. */
const BULK_MAX = 500;

interface BulkTagBarProps {
  ids: string[];
  onDone(add: Record<string, string>, remove: string[], updated: number): void;
  onClear(): void;
}

export function BulkTagBar({ ids, onDone, onClear }: BulkTagBarProps) {
  const [mode, setMode] = useState<'add' | 'remove' | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [mode]);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const { key, value } = parseTag(text);
    if (!key) return setStatus({ ok: false, text: 'Type a tag: "vip" or "plan:pro".' });
    const add = mode === 'add' ? { [key]: value } : {};
    const remove = mode === 'remove' ? [key] : [];
    setBusy(true);
    setStatus(null);
    try {
      let updated = 0;
      for (let at = 0; at < ids.length; at += BULK_MAX) updated += (await bulkTagSessions(ids.slice(at, at + BULK_MAX), add, remove)).updated;
      onDone(add, remove, updated);
      setStatus({ ok: true, text: `${mode === 'add' ? 'Tagged' : 'Untagged'} ${updated} session${updated === 1 ? '' : 's'}: ${mode === 'add' ? tagLabel(key, value) : key}` });
      setMode(null);
      setText('');
    } catch (e) {
      setStatus({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="bulk-bar" role="region" aria-label="Selected sessions">
      <strong>{ids.length} selected</strong>
      {mode === null ? (
        <>
          <button type="button" class="button button--small" onClick={() => setMode('add')}>
            Add tag
          </button>
          <button type="button" class="button button--small" onClick={() => setMode('remove')}>
            Remove tag
          </button>
        </>
      ) : (
        <form class="bulk-bar__form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && setMode(null)}>
          <input
            class="input input--small"
            aria-label={mode === 'add' ? 'Tag to add' : 'Tag to remove'}
            placeholder={mode === 'add' ? 'vip or plan:pro' : 'tag name'}
            value={text}
            ref={input}
            onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
            disabled={busy}
          />
          <button type="submit" class="button button--primary button--small" disabled={busy}>
            {mode === 'add' ? 'Add to all' : 'Remove from all'}
          </button>
          <button type="button" class="button button--quiet button--small" onClick={() => setMode(null)} disabled={busy}>
            Cancel
          </button>
        </form>
      )}
      {status && (
        <span class={status.ok ? 'status-ok small' : 'status-error small'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </span>
      )}
      <button type="button" class="link-button small bulk-bar__clear" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}
