//! "+ Filter": a menu of the filters not yet set, grouped; picking one opens its editor in place
//! (a flag such as "Has rage clicks" is added at once).

import { useState } from 'preact/hooks';
import { FILTERS, GROUP_LABELS, withOptions, type FilterDef, type FilterOptions } from '../../list/filters.ts';
import type { ListQuery } from '../../list/query.ts';
import { usePopover } from '../use-popover.ts';
import { FilterEditor } from './FilterEditor.tsx';

interface AddFilterMenuProps {
  query: ListQuery;
  /** Filters this page sets itself (the end-user page's `user_id`), not offered. */
  hidden?: readonly string[];
  options?: FilterOptions;
  onAdd(param: string, value: string): void;
}

/**
 * The filters that may be added to `query`: repeatable ones always, others once, dependents after
 * their parent; one with a single known value (the only organization) is no choice and left out.
 */
function available(query: ListQuery, hidden: readonly string[], options: FilterOptions | undefined): FilterDef[] {
  const set = new Set(query.filters.map((f) => f.param));
  return FILTERS.filter(
    (f) =>
      !hidden.includes(f.param) &&
      (f.repeatable || !set.has(f.param)) &&
      (!f.requires || set.has(f.requires)) &&
      (options?.[f.param] === undefined || (options[f.param]?.length ?? 0) > 1),
  ).map((f) => withOptions(f, options));
}

export function AddFilterMenu({ query, hidden = [], options, onAdd }: AddFilterMenuProps) {
  const [editing, setEditing] = useState<FilterDef | null>(null);
  const popover = usePopover(() => setEditing(null));
  const defs = available(query, hidden, options);
  const groups = (Object.keys(GROUP_LABELS) as FilterDef['group'][])
    .map((group) => [group, defs.filter((d) => d.group === group)] as const)
    .filter(([, list]) => list.length > 0);

  const pick = (def: FilterDef): void => {
    if (def.kind === 'flag') {
      popover.hide();
      onAdd(def.param, def.choices?.[0]?.[0] ?? 'true');
    } else setEditing(def);
  };
  return (
    <div class="add-filter" ref={popover.ref}>
      <button type="button" class="add-filter__button" aria-haspopup="menu" aria-expanded={popover.open} onClick={popover.toggle}>
        + Filter
      </button>
      {popover.open && (
        <div class="popover popover--menu">
          {editing ? (
            <FilterEditor
              def={editing}
              value=""
              onApply={(value) => {
                popover.hide();
                onAdd(editing.param, value);
              }}
              onCancel={() => setEditing(null)}
            />
          ) : (
            <div class="menu" role="menu">
              {groups.map(([group, list]) => (
                <div key={group} class="menu__group" role="group" aria-label={GROUP_LABELS[group]}>
                  <div class="menu__heading">{GROUP_LABELS[group]}</div>
                  {list.map((def) => (
                    <button key={def.param} type="button" role="menuitem" class="menu__item" data-param={def.param} onClick={() => pick(def)}>
                      {def.label}
                    </button>
                  ))}
                </div>
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
