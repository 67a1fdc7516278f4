//! The Info tab's tags: each as a chip (× removes it) and a field that adds "label" or
//! "key:value" (`PUT /api/v1/sessions/{id}/tags`). Viewers see the tags without the controls.

import { useEffect, useState } from 'preact/hooks';
import { updateSessionTags } from '../../api.ts';
import { parseTag, tagEntries, tagLabel } from '../../list/tags.ts';
import { errorMessage } from '../../use-session-data.ts';
import { keepFocus } from './parts.tsx';

interface TagsSectionProps {
  sessionId: string;
  tags: Record<string, string> | null | undefined;
  canEdit: boolean;
}

export function TagsSection({ sessionId, tags: initial, canEdit }: TagsSectionProps) {
  const [tags, setTags] = useState<Record<string, string>>(initial ?? {});
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setTags(initial ?? {}), [initial]);

  const change = async (add: Record<string, string>, remove: string[]): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      setTags((await updateSessionTags(sessionId, add, remove)).tags);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const entries = tagEntries(tags);
  if (!canEdit && entries.length === 0) return null;
  return (
    <section class="info__section" aria-label="Tags">
      <h3>Tags</h3>
      {entries.length === 0 && <p class="muted small">No tags yet.</p>}
      <div class="tags">
        {entries.map(([k, v]) => (
          <span key={k} class="tag tag--editable">
            {tagLabel(k, v)}
            {canEdit && (
              <button type="button" class="tag__remove" aria-label={`Remove tag ${tagLabel(k, v)}`} disabled={busy} onMouseDown={keepFocus} onClick={() => void change({}, [k])}>
                ×
              </button>
            )}
          </span>
        ))}
      </div>
      {canEdit && (
        <form
          class="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const { key, value } = parseTag(text);
            if (!key) return setError('Type a tag: "vip" or "plan:pro".');
            if (await change({ [key]: value }, [])) setText('');
          }}
        >
          <input class="input input--small" aria-label="New tag" placeholder="vip or plan:pro" value={text} disabled={busy} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
          <button type="submit" class="button button--small" disabled={busy}>
            Add tag
          </button>
        </form>
      )}
      {error && (
        <p class="status-error small" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
