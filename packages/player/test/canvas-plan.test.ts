import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventType, IncrementalSource, type eventWithTime } from '@rrweb/types';
import { canvasCommands, canvasesAt } from '../src/canvas-plan.ts';
import { meta } from './fixtures.ts';

const canvasNode = (id: number, attributes: Record<string, unknown>) => ({ type: 2, tagName: 'canvas', id, attributes, childNodes: [] });
const snapshot = (timestamp: number, ...canvases: unknown[]): eventWithTime => ({
  type: EventType.FullSnapshot,
  timestamp,
  data: { node: { type: 0, id: 1, childNodes: [{ type: 2, tagName: 'body', id: 2, attributes: {}, childNodes: canvases }] }, initialOffset: { left: 0, top: 0 } },
} as eventWithTime);
const draw = (timestamp: number, id: number, ...commands: unknown[]): eventWithTime => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.CanvasMutation, id, type: 0, commands },
} as eventWithTime);
const mutate = (timestamp: number, data: Record<string, unknown>): eventWithTime => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.Mutation, texts: [], attributes: [], removes: [], adds: [], ...data },
} as eventWithTime);

const fill = (x: number) => ({ property: 'fillRect', args: [x, 0, 10, 10] });

test('a canvas starts from its snapshot image and takes the drawing after it', () => {
  const events = [
    meta(0),
    snapshot(0, canvasNode(5, { width: '160', height: '40', rr_dataURL: 'data:image/png;base64,AAAA' })),
    draw(10, 5, { property: 'fillStyle', args: ['blue'], setter: true }, fill(0)),
    draw(20, 5, fill(20)),
    draw(20, 99, fill(1)), // a canvas the snapshot does not hold
  ];
  assert.deepEqual(canvasesAt(events, 15), [
    { id: 5, width: 160, height: 40, base: 'data:image/png;base64,AAAA', commands: [{ property: 'fillStyle', args: ['blue'], setter: true }, fill(0)] },
  ]);
  assert.equal(canvasesAt(events, 25)[0].commands.length, 3);
  assert.deepEqual(canvasesAt(events, 5)[0].commands, []);
});

test('added canvases are tracked; a new size clears one; a new snapshot starts over', () => {
  const events = [
    meta(0),
    snapshot(0),
    mutate(5, { adds: [{ parentId: 2, nextId: null, node: { type: 2, tagName: 'div', id: 7, attributes: {}, childNodes: [canvasNode(8, {})] } }] }),
    draw(6, 8, fill(0)),
    mutate(7, { attributes: [{ id: 8, attributes: { width: '64' } }] }),
    draw(8, 8, fill(5)),
    meta(100),
    snapshot(100),
  ];
  assert.deepEqual(canvasesAt(events, 6), [{ id: 8, width: 300, height: 150, base: null, commands: [fill(0)] }]);
  assert.deepEqual(canvasesAt(events, 8), [{ id: 8, width: 64, height: 150, base: null, commands: [fill(5)] }]);
  assert.deepEqual(canvasesAt(events, 100), []);
});

test('only 2D commands are read, batched or single', () => {
  assert.deepEqual(canvasCommands({ type: 0, property: 'clearRect', args: [0, 0, 1, 1] }), [{ type: 0, property: 'clearRect', args: [0, 0, 1, 1] }]);
  assert.deepEqual(canvasCommands({ type: 1, commands: [fill(0)] }), [], 'WebGL is left out');
  assert.deepEqual(canvasCommands({ type: 0, commands: [fill(0), { property: 7 }, null] }), [fill(0)]);
});
