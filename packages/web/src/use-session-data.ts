//! Loads what the session page shows besides the replay — the session's metadata, its timeline
//! and its notes — each with its own loading and error state, so one failing part does not
//! blank the others. Notes can be added and deleted; the list stays in time order.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { addNote, ApiError, deleteNote, getSession, getTimeline, listNotes, type Session } from './api.ts';
import type { Note, Timeline } from './inspector/timeline.ts';
import { redirectToLogin } from './use-current-user.ts';

export type Loadable<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: unknown };

/** Loads `load()` on mount and whenever `key` changes; `retry` loads again. */
function useLoad<T>(load: () => Promise<T>, key: string): [Loadable<T>, () => void, (update: (value: T) => T) => void] {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    load().then(
      (value) => live && setState({ status: 'ready', value }),
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 401) redirectToLogin();
        else setState({ status: 'error', error });
      },
    );
    return () => {
      live = false;
    };
    // `load` is rebuilt every render; `key` says when it asks for something else.
  }, [key, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const update = useCallback((fn: (value: T) => T) => {
    setState((s) => (s.status === 'ready' ? { status: 'ready', value: fn(s.value) } : s));
  }, []);
  return [state, retry, update];
}

const byTime = (a: Note, b: Note): number => a.at - b.at || (a.created_at < b.created_at ? -1 : 1);

export interface SessionData {
  session: Loadable<Session>;
  timeline: Loadable<Timeline>;
  notes: Loadable<Note[]>;
  retryTimeline(): void;
  retryNotes(): void;
  /** Adds a note at `at`; rejects with the server's `ApiError` (e.g. 403 for viewers). */
  addNote(at: number, text: string): Promise<Note>;
  removeNote(noteId: string): Promise<void>;
}

export function useSessionData(id: string, windowId: string | null): SessionData {
  const [session] = useLoad(() => getSession(id), id);
  const [timeline, retryTimeline] = useLoad(() => getTimeline(id, windowId), `${id}\n${windowId ?? ''}`);
  const [notes, retryNotes, updateNotes] = useLoad(async () => (await listNotes(id)).notes.slice().sort(byTime), id);

  const add = useCallback(
    async (at: number, text: string) => {
      const note = await addNote(id, at, text.trim());
      updateNotes((list) => [...list.filter((n) => n.id !== note.id), note].sort(byTime));
      return note;
    },
    [id, updateNotes],
  );
  const remove = useCallback(
    async (noteId: string) => {
      try {
        await deleteNote(id, noteId);
      } catch (error) {
        // Someone else deleted it first: it is gone either way.
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
      updateNotes((list) => list.filter((n) => n.id !== noteId));
    },
    [id, updateNotes],
  );
  return { session, timeline, notes, retryTimeline, retryNotes, addNote: add, removeNote: remove };
}

/** A message for a failed load: the server's words when it sent any. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : 'Something went wrong.';
}
