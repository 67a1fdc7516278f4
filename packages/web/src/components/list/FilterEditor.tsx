//! The editor of one filter, in a popover under its chip (or the add-filter menu): an input that
//! fits the filter's kind, Enter or "Apply" to set it, Escape to leave it as it was.

import { useEffect, useRef, useState } from 'preact/hooks';
import { editorInput, readEditorInput, toDateInput } from '../../list/chips.ts';
import type { FilterDef } from '../../list/filters.ts';

/** Quick picks for date filters: how far back from now. */
const DATE_PRESETS: readonly (readonly [string, number])[] = [
  ['1 h ago', 3_600_000],
  ['24 h ago', 86_400_000],
  ['7 days ago', 7 * 86_400_000],
  ['30 days ago', 30 * 86_400_000],
];

interface FilterEditorProps {
  def: FilterDef;
  /** The current value (URL form), or '' for a new filter. */
  value: string;
  onApply(value: string): void;
  onCancel(): void;
}

export function FilterEditor({ def, value, onApply, onCancel }: FilterEditorProps) {
  const [text, setText] = useState(() => editorInput(def, value) || (def.kind === 'choice' ? (def.choices?.[0]?.[0] ?? '') : ''));
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement & HTMLSelectElement>(null);
  useEffect(() => input.current?.focus(), []);

  const apply = (event: Event): void => {
    event.preventDefault();
    const result = readEditorInput(def, text);
    if ('error' in result) setError(result.error);
    else onApply(result.value);
  };
  const listId = `filter-suggestions-${def.param}`;
  return (
    <form class="filter-editor" onSubmit={apply} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <label class="filter-editor__label" for={`filter-input-${def.param}`}>
        {def.label}
      </label>
      {def.kind === 'choice' ? (
        <select
          id={`filter-input-${def.param}`}
          ref={input}
          class="input input--small"
          value={text}
          onChange={(e) => setText((e.currentTarget as HTMLSelectElement).value)}
        >
          {def.choices?.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={`filter-input-${def.param}`}
          ref={input}
          class="input input--small"
          type={def.kind === 'date' ? 'datetime-local' : def.kind === 'number' ? 'number' : 'text'}
          min={def.kind === 'number' ? 0 : undefined}
          inputMode={def.kind === 'number' ? 'numeric' : undefined}
          placeholder={def.placeholder}
          list={def.suggestions ? listId : undefined}
          value={text}
          aria-invalid={error !== null}
          onInput={(e) => {
            setText((e.currentTarget as HTMLInputElement).value);
            setError(null);
          }}
        />
      )}
      {def.kind === 'date' && (
        <div class="filter-editor__presets">
          {DATE_PRESETS.map(([label, ms]) => (
            <button key={label} type="button" class="link-button small" onClick={() => setText(toDateInput(new Date(Date.now() - ms).toISOString()))}>
              {label}
            </button>
          ))}
        </div>
      )}
      {def.suggestions && (
        <datalist id={listId}>
          {def.suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
      {error ? (
        <p class="filter-editor__error small" role="alert">
          {error}
        </p>
      ) : (
        def.help && <p class="filter-editor__help muted small">{def.help}</p>
      )}
      <div class="filter-editor__actions">
        <button type="button" class="button button--quiet button--small" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="button button--primary button--small">
          Apply
        </button>
      </div>
    </form>
  );
}
