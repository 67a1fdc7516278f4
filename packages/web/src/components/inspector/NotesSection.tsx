//! Notes on the session: the list (a click on the time seeks there), a form that adds a note at
//! the playhead, and delete for the author (or an owner/admin).

import { formatClock } from '@tapedeck/player/src/time-format.ts';
import { useEffect, useState } from 'preact/hooks';
import { canAddNotes, canDeleteNote, NOTE_MAX_CHARS, noteTextError } from '../../inspector/note-rules.ts';
import type { Playhead } from '../../inspector/playhead.ts';
import { timeNow } from '../../player-link.ts';
import type { Note } from '../../inspector/timeline.ts';
import { errorMessage, type Loadable } from '../../use-session-data.ts';
import { formatOffset, relativeTime } from '../../format.ts';
import { keepFocus } from './parts.tsx';

/** The playhead's time, re-rendering only when the shown second changes. */
function usePlayheadSecond(playhead: Playhead): number {
  const [second, setSecond] = useState(() => Math.floor(playhead.get() / 1000));
  useEffect(() => playhead.subscribe((ms) => setSecond(Math.floor(ms / 1000))), [playhead]);
  return second;
}

function AddNoteForm({ playhead, onAdd }: { playhead: Playhead; onAdd(at: number, text: string): Promise<Note> }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const second = usePlayheadSecond(playhead);

  const submit = async (event?: Event): Promise<void> => {
    event?.preventDefault();
    const problem = noteTextError(text);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      await onAdd(timeNow(playhead), text);
      setText('');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="note-form" onSubmit={submit}>
      <textarea
        class="input textarea note-form__text"
        rows={2}
        maxLength={NOTE_MAX_CHARS * 2}
        placeholder="What happens here? (Ctrl+Enter adds it)"
        aria-label="Note text"
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
        }}
      />
      <div class="note-form__foot">
        {error && (
          <span class="note-form__error small" role="alert">
            {error}
          </span>
        )}
        <button type="submit" class="button button--primary button--small" disabled={busy}>
          Add note at {formatClock(second * 1000)}
        </button>
      </div>
    </form>
  );
}

function NoteItem({ note, canDelete, onSeek, onDelete }: { note: Note; canDelete: boolean; onSeek(ms: number): void; onDelete(): Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const created = new Date(note.created_at);
  return (
    <li class="note" data-note-id={note.id}>
      <div class="note__head">
        <button type="button" class="note__time" title="Go to this moment" onMouseDown={keepFocus} onClick={() => onSeek(note.at)}>
          {formatOffset(note.at)}
        </button>
        <span class="note__author muted small">{note.author.email}</span>
        <span class="note__when muted small" title={Number.isNaN(created.getTime()) ? '' : created.toLocaleString()}>
          {relativeTime(created, new Date())}
        </span>
        {canDelete && (
          <button
            type="button"
            class="icon-button note__delete"
            aria-label="Delete this note"
            title="Delete this note"
            disabled={busy}
            onMouseDown={keepFocus}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await onDelete();
              } catch (e) {
                setError(errorMessage(e));
                setBusy(false);
              }
            }}
          >
            ×
          </button>
        )}
      </div>
      <p class="note__text">{note.text}</p>
      {error && <p class="note-form__error small">{error}</p>}
    </li>
  );
}

export function NotesSection({
  notes,
  userId,
  role,
  playhead,
  onSeek,
  onAdd,
  onDelete,
  onRetry,
}: {
  notes: Loadable<Note[]>;
  userId: string | null;
  /** The user's role in the session's organization; null while unknown (the server decides). */
  role: string | null;
  playhead: Playhead;
  onSeek(ms: number): void;
  onAdd(at: number, text: string): Promise<Note>;
  onDelete(noteId: string): Promise<void>;
  onRetry(): void;
}) {
  const mayAdd = role === null || canAddNotes(role);
  return (
    <section class="info__section notes" aria-label="Notes">
      <h3>Notes{notes.status === 'ready' && notes.value.length > 0 ? ` (${notes.value.length})` : ''}</h3>
      {notes.status === 'loading' && <p class="muted small">Loading notes…</p>}
      {notes.status === 'error' && (
        <p class="status-error small" role="alert">
          Notes could not be loaded: {errorMessage(notes.error)}{' '}
          <button type="button" class="link-button" onClick={onRetry}>
            Try again
          </button>
        </p>
      )}
      {notes.status === 'ready' && notes.value.length === 0 && <p class="muted small">No notes yet. Pause where something matters and write what you see.</p>}
      {notes.status === 'ready' && notes.value.length > 0 && (
        <ol class="notes__list">
          {notes.value.map((note) => (
            <NoteItem
              key={note.id}
              note={note}
              canDelete={canDeleteNote(note, userId, role)}
              onSeek={onSeek}
              onDelete={() => onDelete(note.id)}
            />
          ))}
        </ol>
      )}
      {mayAdd ? <AddNoteForm playhead={playhead} onAdd={onAdd} /> : <p class="muted small">Viewers can read notes but not add them.</p>}
    </section>
  );
}
