/**
 * Grows a sessions table to a million rows for the sessions-list benchmark by cloning sessions
 * that went through real ingest: every derived row (search columns, URLs, facets, links; tags
 * and full-text entries by the schema's own triggers) is what Tapedeck's code wrote for the
 * template, so the clones cannot drift from the real schema's rules. Clone `k` of a template
 * gets the id `<id>_k<k>` and every time moved `k × shiftMs` into the past.
 *
 * Columns are read from the live schema (SQLite `pragma_table_info`, PostgreSQL
 * `information_schema`), so a migration that adds a column needs no change here: a column is
 * copied as is unless it is an id, a session reference, a time, the status, or generated.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/** Tables with a `session_id` column that list queries read; `session_tags` is filled by trigger. */
const CHILD_TABLES = ['session_urls', 'session_facets', 'session_links'];
const TIME_COLUMNS = new Set(['started_at', 'ended_at', 'created_at', 'updated_at', 'last_ingest_at']);

function sqliteColumns(dbPath, table) {
  const out = execFileSync('sqlite3', ['-separator', '|', dbPath, `SELECT name, pk, type FROM pragma_table_info('${table}')`], { encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map((line) => {
    const [name, pk, type] = line.split('|');
    return { name, integerKey: pk === '1' && /^integer$/i.test(type), generated: false };
  });
}

function postgresColumns(url, table) {
  const out = execFileSync('psql', [url, '-tAF', '|', '-c',
    `SELECT column_name, coalesce(column_default, ''), is_identity, data_type FROM information_schema.columns WHERE table_name = '${table}' AND table_schema = current_schema() ORDER BY ordinal_position`], { encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map((line) => {
    const [name, def, identity, type] = line.split('|');
    return { name, integerKey: identity === 'YES' || def.startsWith('nextval('), generated: type === 'tsvector' };
  });
}

/** The INSERT … SELECT that makes clone `k` of every template row of `table`. */
function cloneStatement(table, columns, k, shiftMs) {
  const suffix = `'_k${k}'`;
  const kept = columns.filter((c) => !c.integerKey && !c.generated);
  const exprs = kept.map(({ name }) => {
    if (table === 'sessions' && name === 'id') return `id || ${suffix}`;
    if (name === 'session_id') return `session_id || ${suffix}`;
    if (name === 'id') return `id || ${suffix}`;
    if (table === 'sessions' && name === 'status') return `'ready'`;
    if (TIME_COLUMNS.has(name)) return `${name} - ${k * shiftMs}`;
    return name;
  });
  const from = table === 'sessions' ? 'sessions WHERE id IN (SELECT id FROM bench_templates)' : `${table} WHERE session_id IN (SELECT id FROM bench_templates)`;
  return `INSERT INTO ${table} (${kept.map((c) => c.name).join(', ')}) SELECT ${exprs.join(', ')} FROM ${from};`;
}

/**
 * Clones the `templates` sessions already stored until the table holds `total` sessions.
 * `engine` is `{ kind: 'sqlite', path }` or `{ kind: 'postgres', url }`; the server must not be
 * running on a SQLite file meanwhile. Returns the number of clone rounds.
 */
export function cloneSessions(engine, { templates, total, shiftMs, log }) {
  const rounds = Math.max(0, Math.ceil(total / templates) - 1);
  const columnsOf = (table) => (engine.kind === 'sqlite' ? sqliteColumns(engine.path, table) : postgresColumns(engine.url, table));
  const tables = ['sessions', ...CHILD_TABLES].map((table) => ({ table, columns: columnsOf(table) }));
  const lines = [];
  if (engine.kind === 'sqlite') lines.push('PRAGMA synchronous = OFF;');
  lines.push('CREATE TABLE bench_templates AS SELECT id FROM sessions;');
  const PER_TRANSACTION = 20;
  for (let k = 1; k <= rounds; k++) {
    if ((k - 1) % PER_TRANSACTION === 0) lines.push('BEGIN;');
    for (const { table, columns } of tables) lines.push(cloneStatement(table, columns, k, shiftMs));
    if (k % PER_TRANSACTION === 0 || k === rounds) lines.push('COMMIT;');
  }
  lines.push('DROP TABLE bench_templates;', engine.kind === 'sqlite' ? 'ANALYZE;' : 'VACUUM ANALYZE;');
  const file = join(tmpdir(), `tapedeck-bench-clone-${process.pid}.sql`);
  writeFileSync(file, lines.join('\n'));
  log(`session list: cloning ${templates} templates ${rounds}× on ${engine.kind} (~${templates * (rounds + 1)} sessions)`);
  const options = { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 20 };
  if (engine.kind === 'sqlite') execFileSync('sqlite3', [engine.path, `.read ${file}`], options);
  else execFileSync('psql', [engine.url, '-q', '-v', 'ON_ERROR_STOP=1', '-f', file], options);
  return rounds;
}

/** Counts the rows of `table` (for the report). */
export function countRows(engine, table) {
  const sql = `SELECT count(*) FROM ${table}`;
  const out = engine.kind === 'sqlite'
    ? execFileSync('sqlite3', [engine.path, sql], { encoding: 'utf8' })
    : execFileSync('psql', [engine.url, '-tAc', sql], { encoding: 'utf8' });
  return Number(out.trim());
}
