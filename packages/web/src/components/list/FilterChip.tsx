//! One active filter as a chip: its name and value, a click opens its editor (flags have none),
//! × removes it.

import { chipText, chipTitle } from '../../list/chips.ts';
import { filterDef, withOptions, type FilterOptions } from '../../list/filters.ts';
import type { Filter } from '../../list/query.ts';
import { usePopover } from '../use-popover.ts';
import { FilterEditor } from './FilterEditor.tsx';

interface FilterChipProps {
  filter: Filter;
  /** The server refused this value. */
  invalid?: boolean;
  options?: FilterOptions;
  onChange(value: string): void;
  onRemove(): void;
}

export function FilterChip({ filter, invalid = false, options, onChange, onRemove }: FilterChipProps) {
  const known = filterDef(filter.param);
  const def = known && withOptions(known, options);
  const popover = usePopover();
  const { name, value } = chipText(filter, def);
  const title = chipTitle(filter, def);
  const editable = def !== undefined && def.kind !== 'flag';
  return (
    <div class={`filter-chip${invalid ? ' filter-chip--invalid' : ''}`} ref={popover.ref} data-param={filter.param}>
      <button
        type="button"
        class="filter-chip__body"
        title={invalid ? `${title} — the server refused this value; click to change` : editable ? `${title} — click to change` : title}
        aria-expanded={editable ? popover.open : undefined}
        onClick={editable ? popover.toggle : undefined}
      >
        <span class={value ? 'filter-chip__name' : 'filter-chip__value'}>{name}</span>
        {value && <span class="filter-chip__value">{value}</span>}
      </button>
      <button type="button" class="filter-chip__remove" aria-label={`Remove filter: ${title}`} onClick={onRemove}>
        ×
      </button>
      {popover.open && def && (
        <div class="popover">
          <FilterEditor
            def={def}
            value={filter.value}
            onApply={(v) => {
              popover.hide();
              onChange(v);
            }}
            onCancel={popover.hide}
          />
        </div>
      )}
    </div>
  );
}
