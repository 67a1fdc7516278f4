//! Drawing recorded canvases outside the sandbox (see canvas-plan.ts for why): each canvas is
//! redrawn on a canvas of the player's own document, from its snapshot image and recorded 2D
//! commands, and shown as the replayed element's background. Recordings are untrusted, so
//! only 2D context members are called and only typed-array and image values are rebuilt.

import type { eventWithTime } from '@rrweb/types';
import { canvasCommands, canvasesAt, type CanvasCommand, type CanvasState } from './canvas-plan.ts';
import { EventType, IncrementalSource } from '@rrweb/types';

/** A canvas's background is refreshed at most this often while playing. */
const REPAINT_EVERY_MS = 100;
/** Constructors a recorded argument may name (rrweb serializes these with `rr_type`). */
const VALUE_TYPES = new Set([
  'ImageData', 'Uint8ClampedArray', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array',
  'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'DOMMatrix', 'Path2D',
]);
/** 2D context members a recording may not touch. */
const FORBIDDEN = new Set(['canvas', 'constructor', '__proto__', 'prototype']);

interface Layer {
  canvas: HTMLCanvasElement;
  url: string | null;
  paintedAt: number;
}

function decodeBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

async function loadImage(doc: Document, src: string): Promise<HTMLImageElement | null> {
  const image = doc.createElement('img');
  image.src = src;
  try {
    await image.decode();
    return image;
  } catch {
    return null; // a broken or unreachable image draws nothing
  }
}

export class CanvasPainter {
  private layers = new Map<number, Layer>();
  private generation = 0;
  private frame = 0;
  private readonly dirty = new Set<number>();
  private readonly win: Window;

  constructor(
    private readonly doc: Document,
    private readonly nodeOf: (id: number) => Node | null,
  ) {
    this.win = doc.defaultView ?? window;
  }

  /** Redraws every canvas as it is at `epochMs` of `events` (after a seek). */
  async show(events: readonly eventWithTime[], epochMs: number): Promise<void> {
    const generation = ++this.generation;
    const states = canvasesAt(events, epochMs);
    const layers = new Map<number, Layer>();
    for (const state of states) {
      const layer = await this.build(state);
      if (generation !== this.generation) return;
      layers.set(state.id, layer);
    }
    this.layers = layers;
    for (const id of layers.keys()) this.paint(id, true);
  }

  /** Follows playback: applies a canvas's drawing, or re-shows backgrounds a mutation may have reset. */
  live(event: eventWithTime): void {
    if (this.layers.size === 0 || event.type !== EventType.IncrementalSnapshot) return;
    const data = event.data as { source?: unknown; id?: unknown };
    if (data.source === IncrementalSource.CanvasMutation && typeof data.id === 'number') {
      const layer = this.layers.get(data.id);
      if (!layer) return;
      const id = data.id;
      void this.apply(layer, canvasCommands(event.data)).then(() => this.schedule(id));
    } else if (data.source === IncrementalSource.Mutation) {
      for (const id of this.layers.keys()) this.schedule(id);
    }
  }

  destroy(): void {
    this.generation++;
    this.layers.clear();
    if (this.frame) this.win.cancelAnimationFrame(this.frame);
  }

  private async build(state: CanvasState): Promise<Layer> {
    const canvas = this.doc.createElement('canvas');
    canvas.width = state.width;
    canvas.height = state.height;
    const layer: Layer = { canvas, url: null, paintedAt: 0 };
    if (state.base) {
      const image = await loadImage(this.doc, state.base);
      if (image) canvas.getContext('2d')?.drawImage(image, 0, 0);
    }
    await this.apply(layer, state.commands);
    return layer;
  }

  private async apply(layer: Layer, commands: readonly CanvasCommand[]): Promise<void> {
    const ctx = layer.canvas.getContext('2d');
    if (!ctx) return;
    for (const command of commands) {
      if (FORBIDDEN.has(command.property) || !(command.property in ctx)) continue;
      try {
        const member = (ctx as unknown as Record<string, unknown>)[command.property];
        if (command.setter) (ctx as unknown as Record<string, unknown>)[command.property] = command.args[0];
        else if (typeof member === 'function') member.apply(ctx, await Promise.all(command.args.map((a) => this.value(a))));
      } catch {
        // A command this browser refuses (bad arguments) draws nothing, as it did when recorded.
      }
    }
  }

  /** Rebuilds a recorded argument: plain values as they are, typed arrays and images anew. */
  private async value(arg: unknown): Promise<unknown> {
    if (Array.isArray(arg)) return Promise.all(arg.map((a) => this.value(a)));
    if (typeof arg !== 'object' || arg === null || !('rr_type' in arg)) return arg;
    const typed = arg as { rr_type: string; args?: unknown[]; base64?: string; src?: string };
    if (typeof typed.base64 === 'string') return decodeBase64(typed.base64);
    if (typeof typed.src === 'string') return loadImage(this.doc, typed.src);
    if (Array.isArray(typed.args) && VALUE_TYPES.has(typed.rr_type)) {
      const ctor = (this.win as unknown as Record<string, new (...args: unknown[]) => unknown>)[typed.rr_type];
      return new ctor(...(await Promise.all(typed.args.map((a) => this.value(a)))));
    }
    return null;
  }

  private schedule(id: number): void {
    this.dirty.add(id);
    if (this.frame) return;
    this.frame = this.win.requestAnimationFrame(() => {
      this.frame = 0;
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const dirtyId of ids) this.paint(dirtyId, false);
    });
  }

  /** Shows a layer as its element's background; a fresh image at most every REPAINT_EVERY_MS. */
  private paint(id: number, force: boolean): void {
    const layer = this.layers.get(id);
    const node = this.nodeOf(id);
    if (!layer || !node || node.nodeType !== 1) return;
    const now = this.win.performance.now();
    if (force || layer.url === null || now - layer.paintedAt >= REPAINT_EVERY_MS) {
      try {
        layer.url = layer.canvas.toDataURL();
        layer.paintedAt = now;
      } catch {
        return; // drawn from a cross-origin image: its pixels cannot be read
      }
    } else {
      this.schedule(id); // come back for the newest pixels
    }
    (node as HTMLElement).style.setProperty('background-image', `url("${layer.url}")`);
  }
}
