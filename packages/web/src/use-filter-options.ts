//! `useFilterOptions`: the values some list filters can take, by name — the user's organizations
//! (from `/api/v1/me`) and their projects (`/api/v1/projects`) — so those chips offer a choice of
//! names instead of asking for ids. Without projects (the request failed) the project filter
//! stays a text field.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { listProjects, type Me, type Project } from './api.ts';
import type { FilterOptions } from './list/filters.ts';

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
  return useMemo(() => {
    if (!me) return undefined;
    const orgName = new Map(me.organizations.map((o) => [o.id, o.name]));
    const options: Record<string, (readonly [string, string])[]> = {
      organization_id: me.organizations.map((o) => [o.id, o.name] as const),
    };
    if (projects) {
      const several = me.organizations.length > 1;
      options.project_id = projects.map((p) => [p.id, several ? `${p.name} (${orgName.get(p.organization_id) ?? p.organization_id})` : p.name] as const);
    }
    return options;
  }, [me, projects]);
}
