/**
 * The ESM entry of `@tapedeck/recorder`: `init`, the `Recorder` class and the public types.
 */

export { init, Recorder, MARKER_PAUSED, MARKER_PRIVACY, MARKER_RESUMED, type ReplayUrlOptions } from './recorder';
export {
  SDK_NAME,
  type PrivacyLevel,
  type Tags,
  type TapedeckOptions,
  type UserInfo,
} from './config';
