/**
 * Console and error capture: wraps the chosen `console` methods (`tapedeck.console` events with
 * bounded, masked arguments) and listens for uncaught errors and unhandled rejections
 * (`tapedeck.error` events). The wrapped methods call the original first, with the same `this`
 * and arguments, and return or throw what it does. The recorder's own `[tapedeck]` messages, and
 * anything logged while an event is being captured, are not captured (no recursion).
 */

import { CAPTURE_MAX_STACK_CHARS, type ConsoleLevel } from '../config';
import { maskSensitive } from './mask';
import { quietly } from './quietly';
import { boundedString, serializeArgs, serializeValue } from './serialize';

export const CONSOLE_LEVELS: readonly ConsoleLevel[] = ['log', 'info', 'warn', 'error', 'debug'];

/** Levels whose events carry the stack of the console call. */
const LEVELS_WITH_STACK: readonly ConsoleLevel[] = ['warn', 'error'];

/** Payload of a `tapedeck.console` custom event. */
export interface ConsoleEvent {
  level: ConsoleLevel;
  args: string[];
  stack?: string;
}

/** Payload of a `tapedeck.error` custom event. */
export interface ErrorEventPayload {
  kind: 'error' | 'unhandledrejection';
  message: string;
  stack: string;
  source?: string;
  line?: number;
  column?: number;
}

/** `captureConsole` after checking. */
export interface ConsoleCaptureConfig {
  levels: ConsoleLevel[];
}

/** Turns the `captureConsole` option into a config, or `null` when capture is off. */
export function resolveConsoleCapture(value: unknown): ConsoleCaptureConfig | null {
  if (value === true) return { levels: [...CONSOLE_LEVELS] };
  if (typeof value !== 'object' || value === null) return null;
  const levels = (value as { levels?: unknown }).levels;
  if (!Array.isArray(levels)) return { levels: [...CONSOLE_LEVELS] };
  return { levels: CONSOLE_LEVELS.filter((level) => levels.includes(level)) };
}

type ConsoleMethod = (...args: unknown[]) => unknown;

/** Returns true for the recorder's own log lines. */
export function isOwnMessage(args: readonly unknown[]): boolean {
  return typeof args[0] === 'string' && args[0].startsWith('[tapedeck]');
}

/** Cuts a stack trace to its bound and masks it. */
export function boundedStack(stack: string): string {
  return boundedString(stack, CAPTURE_MAX_STACK_CHARS);
}

/** The stack of the console call: without the `Error` line and the wrapper's own frame. */
function callerStack(): string | undefined {
  const stack = new Error().stack;
  if (typeof stack !== 'string') return undefined;
  const lines = stack.split('\n');
  if (lines[0] === 'Error') lines.shift();
  lines.shift();
  return lines.length > 0 ? boundedStack(lines.join('\n')) : undefined;
}

/**
 * Wraps `levels` of `target` (the page's console); returns a function that puts the originals
 * back where nobody has wrapped them since (other wrappers stay, and ours become pass-through).
 */
export function patchConsole(target: Partial<Record<ConsoleLevel, unknown>>, levels: readonly ConsoleLevel[], emit: (event: ConsoleEvent) => void): () => void {
  let active = true;
  let capturing = false;
  const restores: Array<() => void> = [];
  for (const level of levels) {
    const original = target[level];
    if (typeof original !== 'function') continue;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      const result = Reflect.apply(original as ConsoleMethod, this, args);
      if (active && !capturing && !isOwnMessage(args)) {
        capturing = true;
        try {
          const event: ConsoleEvent = { level, args: serializeArgs(args) };
          if (LEVELS_WITH_STACK.includes(level)) {
            const stack = callerStack();
            if (stack !== undefined) event.stack = stack;
          }
          emit(event);
        } catch {
          // Capture problems never reach the page.
        } finally {
          capturing = false;
        }
      }
      return result;
    };
    target[level] = wrapper;
    restores.push(() => {
      if (target[level] === wrapper) target[level] = original;
    });
  }
  return () => {
    active = false;
    restores.forEach((restore) => restore());
  };
}

/** The parts of `window` error capture listens on. */
export interface ErrorSource {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** Listens for uncaught errors and unhandled rejections; returns a function removing the listeners. */
export function listenForErrors(target: ErrorSource, emit: (event: ErrorEventPayload) => void): () => void {
  const onError = (event: Event) =>
    quietly(() => {
      const e = event as Partial<ErrorEvent>;
      // Resource load failures (an <img> 404) reach window listeners only in the capture phase,
      // which is not used; an ErrorEvent always has a message.
      if (typeof e.message !== 'string') return;
      const payload: ErrorEventPayload = { kind: 'error', message: boundedString(e.message, CAPTURE_MAX_STACK_CHARS), stack: errorStack(e.error) };
      if (typeof e.filename === 'string' && e.filename !== '') payload.source = maskSensitive(e.filename);
      if (typeof e.lineno === 'number' && e.lineno > 0) payload.line = e.lineno;
      if (typeof e.colno === 'number' && e.colno > 0) payload.column = e.colno;
      emit(payload);
    });
  const onRejection = (event: Event) =>
    quietly(() => {
      const reason = (event as Partial<PromiseRejectionEvent>).reason;
      const message = reason instanceof Error ? reason.message : serializeValue(reason);
      emit({ kind: 'unhandledrejection', message: boundedString(String(message), CAPTURE_MAX_STACK_CHARS), stack: errorStack(reason) });
    });
  target.addEventListener('error', onError);
  target.addEventListener('unhandledrejection', onRejection);
  return () => {
    target.removeEventListener('error', onError);
    target.removeEventListener('unhandledrejection', onRejection);
  };
}

function errorStack(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const stack = (error as { stack?: unknown }).stack;
  return typeof stack === 'string' ? boundedStack(stack) : '';
}
