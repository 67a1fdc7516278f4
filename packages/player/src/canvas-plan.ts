//! What each recorded `<canvas>` shows at a moment, read from the events. Pure: no DOM.
//!
//! In an iframe sandboxed without `allow-scripts` a canvas never shows its pixels (HTML draws
//! a script-less canvas as its fallback content), and rrweb replays 2D drawing only with
//! `UNSAFE_replayCanvas`, which needs scripts. So the player draws each canvas itself, outside
//! the sandbox, and shows the result as the canvas element's background (canvas-painter.ts).
//! A canvas starts from the image its snapshot carries (`rr_dataURL`, recorded with
//! `recordCanvas`), then takes the 2D drawing commands recorded after it; a new size clears it.

import { EventType, IncrementalSource } from '@rrweb/types';
import { lastIndexAtOrBefore } from './event-lookup.ts';
import { keyframeIndices } from './keyframes.ts';

/** One recorded 2D context call or property set (rrweb's canvas mutation command). */
export interface CanvasCommand {
  property: string;
  args: unknown[];
  setter?: boolean;
}

/** A canvas's state: its size, the image it started from, and the drawing since. */
export interface CanvasState {
  id: number;
  width: number;
  height: number;
  /** A data: URL of the canvas's pixels when it was snapshotted, or null for a blank one. */
  base: string | null;
  commands: CanvasCommand[];
}

interface EventShape {
  type: number;
  timestamp: number;
  data: unknown;
}

interface SerializedNode {
  type?: number;
  id?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

/** rrweb's CanvasContext['2D']: other contexts (WebGL) are shown as snapshotted only. */
const CONTEXT_2D = 0;
const ELEMENT_NODE = 2;

function size(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** Returns the 2D commands of a canvas mutation event's data (batched or single), or []. */
export function canvasCommands(data: unknown): CanvasCommand[] {
  const d = data as { type?: unknown; commands?: unknown; property?: unknown; args?: unknown; setter?: unknown };
  if (d.type !== CONTEXT_2D) return [];
  const list = Array.isArray(d.commands) ? d.commands : [d];
  return list.filter(
    (c): c is CanvasCommand => typeof c === 'object' && c !== null && typeof (c as CanvasCommand).property === 'string' && Array.isArray((c as CanvasCommand).args),
  );
}

/** A canvas at its recorded state, built up event by event. */
export class CanvasLedger {
  readonly canvases = new Map<number, CanvasState>();

  /** Starts over from a full snapshot's tree. */
  snapshot(node: unknown): void {
    this.canvases.clear();
    this.addTree(node as SerializedNode);
  }

  /** Takes one incremental event's data. */
  incremental(data: unknown): void {
    const d = data as { source?: unknown; id?: unknown; adds?: unknown; attributes?: unknown };
    if (d.source === IncrementalSource.CanvasMutation && typeof d.id === 'number') {
      const canvas = this.canvases.get(d.id);
      if (canvas) canvas.commands.push(...canvasCommands(data));
    } else if (d.source === IncrementalSource.Mutation) {
      for (const add of Array.isArray(d.adds) ? d.adds : []) this.addTree((add as { node?: SerializedNode }).node);
      for (const change of Array.isArray(d.attributes) ? d.attributes : []) this.attributes(change as { id?: unknown; attributes?: Record<string, unknown> });
    }
  }

  private addTree(node: SerializedNode | undefined): void {
    if (!node) return;
    if (node.type === ELEMENT_NODE && node.tagName === 'canvas' && typeof node.id === 'number') {
      const a = node.attributes ?? {};
      const base = typeof a.rr_dataURL === 'string' ? a.rr_dataURL : null;
      this.canvases.set(node.id, { id: node.id, width: size(a.width, 300), height: size(a.height, 150), base, commands: [] });
    }
    for (const child of node.childNodes ?? []) this.addTree(child);
  }

  private attributes(change: { id?: unknown; attributes?: Record<string, unknown> }): void {
    const canvas = typeof change.id === 'number' ? this.canvases.get(change.id) : undefined;
    const a = change.attributes;
    if (!canvas || !a) return;
    // Setting a canvas's width or height clears it, as in a browser.
    if ('width' in a || 'height' in a) {
      canvas.width = size(a.width ?? canvas.width, canvas.width);
      canvas.height = size(a.height ?? canvas.height, canvas.height);
      canvas.base = null;
      canvas.commands = [];
    }
    if (typeof a.rr_dataURL === 'string') {
      canvas.base = a.rr_dataURL;
      canvas.commands = [];
    }
  }
}

/**
 * Returns the state of every canvas at `epochMs`, from the keyframe at or before it through
 * the last event at or before it (`events` sorted).
 */
export function canvasesAt(events: readonly EventShape[], epochMs: number): CanvasState[] {
  const end = lastIndexAtOrBefore(events, epochMs);
  let start = 0;
  for (const k of keyframeIndices(events)) {
    if (k > end) break;
    start = k;
  }
  const ledger = new CanvasLedger();
  for (let i = start; i <= end; i++) {
    const { type, data } = events[i];
    if (type === EventType.FullSnapshot) ledger.snapshot((data as { node?: unknown }).node);
    else if (type === EventType.IncrementalSnapshot) ledger.incremental(data);
  }
  return [...ledger.canvases.values()];
}
