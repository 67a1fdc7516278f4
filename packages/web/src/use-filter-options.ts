//! `useFilterOptions`: the values some list filters can take, by name — the user's organizations
//! (from `/api/v1/me`) and their projects (`/api/v1/projects`) — so those chips offer a choice of
//! names instead of asking for ids. Without projects (the request failed) the project filter
//! stays a text field.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { listProjects, type Me, type Project } from './api.ts';
import { filterOptions, type FilterOptions } from './list/filters.ts';

export function useFilterOptions(me: Me | null): FilterOptions | undefined {
  const [projects, setProjects] = useState<Project[] | null>(null);
  useEffect(() => {
    if (!me) return;
    let live = true;
    listProjects().then(
      (answer) => live && setProjects(answer.projects),
      () => undefined, // the filter falls back to a typed id
    );
    return () => {
      live = false;
    };
  }, [me]);
  return useMemo(() => (me ? filterOptions(me.organizations, projects) : undefined), [me, projects]);
}
