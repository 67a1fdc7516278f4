//! Saved views: a menu of the user's own views and those shared in their organizations; picking
//! one puts its filters in the URL. "Save view" stores the current filters under a name,
//! optionally shared with the organization. Authors (and owners/admins, for shared views) delete.

import { useEffect, useRef, useState } from 'preact/hooks';
import { createView, deleteView, listViews, type Me, type SavedView } from '../../api.ts';
import { listQueryParams, queryFromView, viewFilters, type ListQuery } from '../../list/query.ts';
import { errorMessage } from '../../use-session-data.ts';
import { usePopover } from '../use-popover.ts';

interface ViewsMenuProps {
  me: Me;
  query: ListQuery;
  onApply(query: ListQuery): void;
}

const MODERATORS = new Set(['owner', 'admin']);

function mayDelete(view: SavedView, me: Me): boolean {
  if (view.author?.id === me.user.id) return true;
  const role = me.organizations.find((o) => o.id === view.organization_id)?.role;
  return view.shared && role !== undefined && MODERATORS.has(role);
}

/** The key two queries share when they list the same sessions in the same order. */
const sameList = (query: ListQuery): string => listQueryParams(query).toString();

export function ViewsMenu({ me, query, onApply }: ViewsMenuProps) {
  const [views, setViews] = useState<SavedView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const popover = usePopover(() => setSaving(false));

  useEffect(() => {
    let live = true;
    listViews().then(
      (answer) => live && setViews(answer.views),
      (e: unknown) => live && setLoadError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const current = sameList(query);
  const active = views?.find((v) => sameList(queryFromView(v.filters)) === current) ?? null;
  const mine = views?.filter((v) => v.author?.id === me.user.id) ?? [];
  const shared = views?.filter((v) => v.author?.id !== me.user.id) ?? [];

  const item = (view: SavedView) => (
    <li key={view.id} class={`views__item${view === active ? ' views__item--active' : ''}`}>
      <button
        type="button"
        class="views__apply"
        onClick={() => {
          popover.hide();
          onApply(queryFromView(view.filters));
        }}
      >
        <span class="views__name">{view.name}</span>
        {view.shared && <span class="badge badge--muted">shared</span>}
        {view.author && view.author.id !== me.user.id && <span class="muted small views__author">{view.author.name || view.author.email}</span>}
      </button>
      {mayDelete(view, me) && (
        <button
          type="button"
          class="icon-button"
          aria-label={`Delete view ${view.name}`}
          title="Delete this view"
          onClick={async () => {
            try {
              await deleteView(view.id);
              setViews((list) => list?.filter((v) => v.id !== view.id) ?? null);
            } catch (e) {
              setLoadError(errorMessage(e));
            }
          }}
        >
          ×
        </button>
      )}
    </li>
  );

  return (
    <div class="views" ref={popover.ref}>
      <button type="button" class="button button--small views__button" aria-haspopup="menu" aria-expanded={popover.open} onClick={popover.toggle}>
        {active ? active.name : 'Views'} ▾
      </button>
      {popover.open && (
        <div class="popover popover--menu popover--right views__popover">
          {saving ? (
            <SaveViewForm
              me={me}
              query={query}
              onCancel={() => setSaving(false)}
              onSaved={(view) => {
                setViews((list) => [...(list ?? []), view]);
                setSaving(false);
                popover.hide();
              }}
            />
          ) : (
            <>
              {loadError && (
                <p class="status-error small views__error" role="alert">
                  {loadError}
                </p>
              )}
              {views === null && !loadError && <p class="muted small views__empty">Loading views…</p>}
              {views !== null && (
                <>
                  <div class="menu__heading">My views</div>
                  {mine.length ? <ul class="views__list">{mine.map(item)}</ul> : <p class="muted small views__empty">None saved yet.</p>}
                  <div class="menu__heading">Shared with my organization</div>
                  {shared.length ? <ul class="views__list">{shared.map(item)}</ul> : <p class="muted small views__empty">None shared yet.</p>}
                </>
              )}
              <div class="views__foot">
                <button type="button" class="button button--small button--primary" onClick={() => setSaving(true)}>
                  Save current view…
                </button>
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}

function SaveViewForm({ me, query, onSaved, onCancel }: { me: Me; query: ListQuery; onSaved(view: SavedView): void; onCancel(): void }) {
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [org, setOrg] = useState(me.organizations[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => nameInput.current?.focus(), []);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!name.trim()) return setError('Give the view a name.');
    setBusy(true);
    setError(null);
    try {
      onSaved(await createView({ name: name.trim(), organization_id: org, filters: viewFilters(query), shared }));
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <form class="save-view" onSubmit={submit}>
      <label class="form__field">
        <span class="form__label">Name</span>
        <input class="input input--small" value={name} placeholder="Checkout errors this week" ref={nameInput} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </label>
      {me.organizations.length > 1 && (
        <label class="form__field">
          <span class="form__label">Organization</span>
          <select class="input input--small" value={org} onChange={(e) => setOrg((e.currentTarget as HTMLSelectElement).value)}>
            {me.organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label class="check">
        <input type="checkbox" checked={shared} onChange={(e) => setShared((e.currentTarget as HTMLInputElement).checked)} />
        Share with everyone in the organization
      </label>
      <p class="muted small">Saves the search, filters and sort as they are now.</p>
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
          Save view
        </button>
      </div>
    </form>
  );
}
