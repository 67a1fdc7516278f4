/**
 * Entry of `dist/tapedeck-capture.js`, the lazily loaded capture file of the script-tag SDK
 * (see `lazy-capture.ts`): it defines `window.TapedeckCapture`.
 */

import { startCapture } from './capture';

window.TapedeckCapture = { startCapture };
