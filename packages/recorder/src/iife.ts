/**
 * The `<script>` entry: defines `window.Tapedeck = { init, Recorder, recorder }` and, when its
 * own script tag carries `data-project`, starts a recorder and keeps it as `Tapedeck.recorder`.
 */

import { parsePrivacyLevel } from './config';
import { warn } from './environment';
import { Recorder, init } from './recorder';

export interface TapedeckGlobal {
  init: typeof init;
  Recorder: typeof Recorder;
  /** The recorder started from the script tag's `data-*` attributes, if any. */
  recorder: Recorder | null;
}

declare global {
  interface Window {
    Tapedeck?: TapedeckGlobal;
  }
}

/** Returns the script tag that loaded this file, if it can be found. */
function ownScriptTag(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src !== '') return current;
  return document.querySelector<HTMLScriptElement>('script[src*="tapedeck.js"][data-project]');
}

function autoInit(api: TapedeckGlobal): void {
  const script = ownScriptTag();
  const projectKey = script?.getAttribute('data-project');
  if (script === null || script === undefined || projectKey === null || projectKey === undefined || projectKey === '') {
    return;
  }
  const privacyAttribute = script.getAttribute('data-privacy');
  // Without `data-privacy` the project's remote config (or the default, balanced) decides.
  const privacy = privacyAttribute === null ? undefined : parsePrivacyLevel(privacyAttribute);
  if (privacyAttribute !== null && privacy === undefined) {
    warn(`[tapedeck] unknown data-privacy "${privacyAttribute}"; using balanced`);
  }
  const endpoint = script.getAttribute('data-endpoint') ?? new URL(script.src, location.href).origin;
  api.recorder = api.init({ projectKey, endpoint, privacy: privacyAttribute === null ? undefined : (privacy ?? 'balanced') });
}

(() => {
  try {
    if (typeof window === 'undefined' || window.Tapedeck !== undefined) return;
    const api: TapedeckGlobal = { init, Recorder, recorder: null };
    window.Tapedeck = api;
    autoInit(api);
  } catch (error) {
    warn('[tapedeck] could not start', error);
  }
})();
