import assert from 'node:assert/strict';
import { test } from 'node:test';

// Dates on chips are local time; pin the zone so the expectations hold on any machine.
process.env.TZ = 'UTC';

const { chipText, chipTitle, dateWords, durationWords, editorInput, parseDuration, readEditorInput, toDateInput } = await import('../src/list/chips.ts');
const { applyTagChange, distinctLinks, parseTag, tagEntries, tagLabel } = await import('../src/list/tags.ts');
const { filterDef, filterOptions, withOptions } = await import('../src/list/filters.ts');

const def = (param: string) => {
  const found = filterDef(param);
  assert.ok(found, param);
  return found;
};

test('chips name the filter and show the value as a person reads it', () => {
  assert.deepEqual(chipText({ param: 'url', value: '/checkout' }), { name: 'URL contains', value: '/checkout' });
  assert.deepEqual(chipText({ param: 'has_errors', value: 'true' }), { name: 'Has errors', value: '' });
  assert.deepEqual(chipText({ param: 'has_errors', value: 'false' }), { name: 'No errors', value: '' });
  assert.deepEqual(chipText({ param: 'has_rage_clicks', value: 'true' }), { name: 'Has rage clicks', value: '' });
  assert.deepEqual(chipText({ param: 'live', value: 'true' }), { name: 'Still recording', value: '' });
  assert.deepEqual(chipText({ param: 'min_duration', value: '150' }), { name: 'Longer than', value: '2 min 30 s' });
  assert.deepEqual(chipText({ param: 'status', value: '5xx' }), { name: 'Network status', value: 'Any 5xx' });
  assert.deepEqual(chipText({ param: 'status', value: '418' }), { name: 'Network status', value: '418' }, 'a value not offered shows as is');
  assert.deepEqual(chipText({ param: 'device', value: 'mobile' }), { name: 'Device', value: 'Mobile' });
  assert.deepEqual(chipText({ param: 'min_width', value: '1024' }), { name: 'Viewport ≥', value: '1024 px' });
  assert.deepEqual(chipText({ param: 'tag', value: 'plan:pro' }), { name: 'Tag', value: 'plan: pro' });
  assert.deepEqual(chipText({ param: 'tag', value: 'vip' }), { name: 'Tag', value: 'vip' });
  assert.deepEqual(chipText({ param: 'from', value: '2026-12-01T09:30:00Z' }), { name: 'Started after', value: '2026-12-01 09:30' });
  assert.equal(chipTitle({ param: 'console', value: 'TypeError' }), 'Console text TypeError');
  assert.equal(chipTitle({ param: 'has_errors', value: 'true' }), 'Has errors');
});

test('durations read in words and parse with or without units', () => {
  assert.equal(durationWords(45), '45 s');
  assert.equal(durationWords(120), '2 min');
  assert.equal(durationWords(5400), '1 h 30 min');
  assert.equal(durationWords(3601), '1 h 1 s');
  assert.equal(parseDuration('90'), 90);
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('2m'), 120);
  assert.equal(parseDuration('2 min'), 120);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('1.5h'), 5400);
  assert.equal(parseDuration(''), null);
  assert.equal(parseDuration('soon'), null);
  assert.equal(parseDuration('2m and'), null);
  assert.equal(parseDuration('x2m'), null);
});

test('editors turn input into URL values or say what is wrong', () => {
  assert.deepEqual(readEditorInput(def('min_duration'), '2m'), { value: '120' });
  assert.ok('error' in readEditorInput(def('min_duration'), 'long'));
  assert.deepEqual(readEditorInput(def('min_width'), '0800'), { value: '800' });
  assert.ok('error' in readEditorInput(def('min_width'), '-5'));
  assert.deepEqual(readEditorInput(def('from'), '2026-12-01T09:30'), { value: '2026-12-01T09:30:00Z' });
  assert.ok('error' in readEditorInput(def('from'), 'yesterday-ish'));
  assert.deepEqual(readEditorInput(def('device'), 'tablet'), { value: 'tablet' });
  assert.ok('error' in readEditorInput(def('device'), 'fridge'));
  assert.deepEqual(readEditorInput(def('url'), '  /cart '), { value: '/cart' });
  assert.ok('error' in readEditorInput(def('url'), '   '));
  assert.ok('error' in readEditorInput(def('tag'), ':pro'));
  assert.equal(editorInput(def('from'), '2026-12-01T09:30:00Z'), '2026-12-01T09:30');
  assert.equal(editorInput(def('url'), '/x'), '/x');
});

test('dates: milliseconds and RFC 3339 read the same, junk is shown as is', () => {
  assert.equal(dateWords('1764581400000'), '2025-12-01 09:30');
  assert.equal(dateWords('2025-12-01T09:30:00Z'), '2025-12-01 09:30');
  assert.equal(dateWords('last tuesday'), 'last tuesday');
  assert.equal(toDateInput('nope'), '');
});

test('tags split at the first colon and show as key or key: value', () => {
  assert.deepEqual(parseTag('vip'), { key: 'vip', value: '' });
  assert.deepEqual(parseTag('plan: pro'), { key: 'plan', value: 'pro' });
  assert.deepEqual(parseTag('url:https://x'), { key: 'url', value: 'https://x' });
  assert.equal(tagLabel('vip', ''), 'vip');
  assert.equal(tagLabel('plan', 'pro'), 'plan: pro');
});

test('a tag change removes then adds, like the server', () => {
  assert.deepEqual(applyTagChange({ a: '1', b: '' }, { c: '', a: '2' }, ['b']), { a: '2', c: '' });
  assert.deepEqual(applyTagChange(null, { vip: '' }, ['nothing']), { vip: '' });
  assert.deepEqual(tagEntries({ z: '1', a: '' }), [['a', ''], ['z', '1']]);
});

test('known values turn an id filter into a choice of names, and its chip shows the name', () => {
  const options = { project_id: [['p1', 'Shop'], ['p2', 'Docs']] as const };
  const project = withOptions(def('project_id'), options);
  assert.equal(project.kind, 'choice');
  assert.deepEqual(chipText({ param: 'project_id', value: 'p2' }, project), { name: 'Project', value: 'Docs' });
  assert.deepEqual(chipText({ param: 'project_id', value: 'p9' }, project), { name: 'Project', value: 'p9' }, 'an unknown id shows as is');
  assert.deepEqual(readEditorInput(project, 'p1'), { value: 'p1' });
  assert.equal(withOptions(def('url'), options), def('url'), 'filters without options stay as they are');
});

test('organization and project options name projects by organization only when there are several', () => {
  const one = filterOptions([{ id: 'o1', name: 'Acme' }], [{ id: 'p1', name: 'Shop', organization_id: 'o1' }]);
  assert.deepEqual(one, { organization_id: [['o1', 'Acme']], project_id: [['p1', 'Shop']] });
  const two = filterOptions(
    [
      { id: 'o1', name: 'Acme' },
      { id: 'o2', name: 'Beta' },
    ],
    [{ id: 'p2', name: 'Docs', organization_id: 'o2' }],
  );
  assert.deepEqual(two.project_id, [['p2', 'Docs (Beta)']]);
  assert.equal(filterOptions([{ id: 'o1', name: 'Acme' }], null).project_id, undefined, 'projects not loaded: a typed id');
});

test('an end user\'s ticket links: each reference once, unsafe URLs not linked', () => {
  const links = distinctLinks([
    { links: [{ ref: 'ZD-1', url: 'javascript:alert(1)' }, { ref: 'ZD-2', url: 'https://t.example/2' }] },
    { links: [{ ref: 'ZD-1', url: 'https://t.example/1' }, { ref: 'ZD-2', url: 'https://t.example/other' }] },
    {},
  ]);
  assert.deepEqual(links, [
    { ref: 'ZD-1', url: 'https://t.example/1' },
    { ref: 'ZD-2', url: 'https://t.example/2' },
  ]);
});
