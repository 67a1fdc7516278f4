/**
 * The ESM entry of `@tapedeck/recorder`: `init`, the `Recorder` class and the public types.
 */

export {
  init,
  Recorder,
  MARKER_BUDGET_PAUSED,
  MARKER_BUDGET_RESUMED,
  MARKER_EXCLUDED,
  MARKER_PAUSED,
  MARKER_PRIVACY,
  MARKER_RESUMED,
  type ReplayUrlOptions,
} from './recorder';
export type { UrlRule } from './url-rules';
export { EVENT_CAPTURE_DROPPED, EVENT_CONSOLE, EVENT_ERROR, EVENT_NETWORK } from './capture/capture';
export type { ConsoleEvent, ErrorEventPayload } from './capture/console';
export type { NetworkEvent } from './capture/network';
export type { ConsoleCaptureOptions, ConsoleLevel, NetworkCaptureOptions } from './config';
export {
  SDK_NAME,
  type PrivacyLevel,
  type Tags,
  type TapedeckOptions,
  type UserInfo,
} from './config';
