import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Project } from '../src/api.ts';
import {
  draftFromProject,
  fieldMessage,
  formatPercent,
  isSettingField,
  parseLines,
  parsePercent,
  patchFromDraft,
  recorderSnippet,
} from '../src/project-settings.ts';

function project(): Project {
  return {
    id: 'p1',
    organization_id: 'o1',
    name: 'Shop',
    ingest_key: 'tdp_key',
    region: 'default',
    allowed_origins: ['https://shop.test'],
    settings: {
      privacy: 'balanced',
      mask_selectors: ['.card'],
      block_selectors: [],
      ignore_selectors: [],
      exclude_urls: [],
      sample_rate: 1,
      capture_network: false,
      capture_console: false,
      retention_days: 30,
    },
    can_manage: true,
  };
}

test('parseLines trims and drops empty lines', () => {
  assert.deepEqual(parseLines('  .a \n\n\r\n#b\r\n   '), ['.a', '#b']);
  assert.deepEqual(parseLines(''), []);
});

test('percentages convert without float noise', () => {
  assert.equal(formatPercent(1), '100');
  assert.equal(formatPercent(0.125), '12.5');
  assert.equal(formatPercent(0.07), '7');
  assert.equal(parsePercent('7'), 0.07);
  assert.equal(parsePercent(' 12.5 % '), 0.125);
  assert.equal(parsePercent('0'), 0);
  for (const bad of ['', 'abc', '-1', '101', 'NaN']) assert.equal(parsePercent(bad), null, bad);
});

test('an untouched draft changes nothing', () => {
  const p = project();
  assert.deepEqual(patchFromDraft(p, draftFromProject(p)), { patch: {} });
});

test('only changed fields are sent', () => {
  const p = project();
  const draft = draftFromProject(p);
  draft.privacy = 'strict';
  draft.lists.exclude_urls = 'https://shop.test/admin/*\n';
  draft.lists.mask_selectors = ' .card \n';
  draft.samplePercent = '50';
  draft.captureConsole = true;
  assert.deepEqual(patchFromDraft(p, draft), {
    patch: { privacy: 'strict', exclude_urls: ['https://shop.test/admin/*'], sample_rate: 0.5, capture_console: true },
  });
  draft.lists.allowed_origins = '';
  const result = patchFromDraft(p, draft);
  assert.ok('patch' in result);
  assert.deepEqual(result.patch.allowed_origins, []);
});

test('a bad sample rate is caught before sending', () => {
  const p = project();
  const draft = draftFromProject(p);
  draft.samplePercent = '150';
  assert.deepEqual(patchFromDraft(p, draft), {
    error: { field: 'sample_rate', message: 'enter a percentage from 0 to 100' },
  });
});

test('retention is whole days within the server limit', () => {
  const p = project();
  const draft = draftFromProject(p);
  assert.equal(draft.retentionDays, '30');
  draft.retentionDays = ' 90 ';
  assert.deepEqual(patchFromDraft(p, draft), { patch: { retention_days: 90 } });
  for (const bad of ['0', '3651', '7.5', '', 'a month']) {
    draft.retentionDays = bad;
    assert.deepEqual(patchFromDraft(p, draft), {
      error: { field: 'retention_days', message: 'enter whole days from 1 to 3650' },
    }, bad);
  }
});

test('server field errors map to form fields', () => {
  assert.equal(isSettingField('mask_selectors'), true);
  assert.equal(isSettingField('retention'), false);
  assert.equal(isSettingField('retention_days'), true);
  assert.equal(isSettingField(undefined), false);
  assert.equal(fieldMessage('mask_selectors', 'mask_selectors: entry 2 is empty'), 'entry 2 is empty');
  assert.equal(fieldMessage('privacy', 'something else'), 'something else');
});

test('the snippet names the server and the key', () => {
  assert.equal(
    recorderSnippet('http://127.0.0.1:7070', 'tdp_key'),
    '<script src="http://127.0.0.1:7070/sdk/tapedeck.js" data-project="tdp_key" async></script>',
  );
});
