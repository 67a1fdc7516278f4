/**
 * The script-tag bundle's stand-in for `./capture`: network and console capture are opt-in, so
 * their code lives in a separate file, `/sdk/tapedeck-capture.js`, loaded from the Tapedeck
 * server only when a recorder asks for capture. Pages that do not capture never download it and
 * the main bundle stays inside its size budget. Same signature as `startCapture` in `capture.ts`
 * (build.mjs swaps the import); the ESM build bundles `capture.ts` directly.
 *
 * Requests and logs made before the file has loaded are not captured; the file is small and is
 * requested as soon as recording starts.
 */

import type { CaptureEmit, CaptureSettings } from './capture';

/** What `tapedeck-capture.js` defines on `window`. */
export interface CaptureModule {
  startCapture(settings: CaptureSettings, emit: CaptureEmit): () => void;
}

declare global {
  interface Window {
    TapedeckCapture?: CaptureModule;
  }
}

/** The capture file, relative to the recorder's endpoint. */
export const CAPTURE_SCRIPT_PATH = '/sdk/tapedeck-capture.js';

let loading: Promise<CaptureModule> | null = null;

function loadCaptureModule(endpoint: string): Promise<CaptureModule> {
  if (window.TapedeckCapture) return Promise.resolve(window.TapedeckCapture);
  if (loading) return loading;
  loading = new Promise<CaptureModule>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = endpoint.replace(/\/+$/, '') + CAPTURE_SCRIPT_PATH;
    script.async = true;
    script.onload = () =>
      window.TapedeckCapture ? resolve(window.TapedeckCapture) : reject(new Error('capture file defined nothing'));
    script.onerror = () => reject(new Error(`could not load ${script.src}`));
    (document.head ?? document.documentElement).appendChild(script);
  });
  // A failed load may be retried by the next recording start.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** Starts capture once its file is loaded; the returned function stops it (or cancels the start). */
export function startCapture(settings: CaptureSettings, emit: CaptureEmit): () => void {
  if (!settings.captureNetwork && !settings.captureConsole) return () => undefined;
  let stopped = false;
  let stop: (() => void) | null = null;
  loadCaptureModule(settings.endpoint).then(
    (module) => {
      if (!stopped) stop = module.startCapture(settings, emit);
    },
    (error: unknown) => {
      if (!stopped) console.warn('[tapedeck] network/console capture is unavailable:', error);
    },
  );
  return () => {
    stopped = true;
    stop?.();
  };
}
