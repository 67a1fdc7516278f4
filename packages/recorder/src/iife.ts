/**
 * The `<script>` entry: defines `window.Tapedeck = { init, Recorder, recorder }` and, when its
 * own script tag carries `data-project`, starts a recorder and keeps it as `Tapedeck.recorder`.
 */

import { type TapedeckOptions, parsePrivacyLevel } from './config';
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

/**
 * Returns the `init` options a script tag asks for through its `data-*` attributes, or null
 * without `data-project`. `data-require-consent` (any value) holds recording until
 * `Tapedeck.recorder.setConsent(true)`.
 */
export function optionsFromScriptTag(
  attribute: (name: string) => string | null,
  scriptUrl: string,
): TapedeckOptions | null {
  const projectKey = attribute('data-project');
  if (projectKey === null || projectKey === '') return null;
  const privacyAttribute = attribute('data-privacy');
  // Without `data-privacy` the project's remote config (or the default, balanced) decides.
  const privacy = privacyAttribute === null ? undefined : parsePrivacyLevel(privacyAttribute);
  if (privacyAttribute !== null && privacy === undefined) {
    warn(`[tapedeck] unknown data-privacy "${privacyAttribute}"; using balanced`);
  }
  return {
    projectKey,
    endpoint: attribute('data-endpoint') ?? new URL(scriptUrl).origin,
    privacy: privacyAttribute === null ? undefined : (privacy ?? 'balanced'),
    requireConsent: attribute('data-require-consent') !== null,
  };
}

function autoInit(api: TapedeckGlobal): void {
  const script = ownScriptTag();
  if (script === null) return;
  const options = optionsFromScriptTag((name) => script.getAttribute(name), new URL(script.src, location.href).href);
  if (options !== null) api.recorder = api.init(options);
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
