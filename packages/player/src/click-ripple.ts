//! Click ripples: a ring that spreads from where the recorded user clicked, drawn in the
//! Replayer's wrapper (outside the sandboxed document) at rrweb's mouse pointer. rrweb's own
//! click cue is a small dot that shrinks for 200 ms, easy to miss at speed.

/** How long a ripple lives if its animation never reports its end (hidden tab, reduced motion). */
const RIPPLE_LIFETIME_MS = 1_000;

/** Draws a ripple in `wrapper` where rrweb's pointer (`.replayer-mouse`) is. */
export function showClickRipple(wrapper: HTMLElement): void {
  const mouse = wrapper.querySelector<HTMLElement>('.replayer-mouse');
  if (!mouse) return;
  const doc = wrapper.ownerDocument;
  const ripple = doc.createElement('div');
  ripple.className = 'td-ripple';
  ripple.setAttribute('aria-hidden', 'true');
  ripple.style.left = mouse.style.left;
  ripple.style.top = mouse.style.top;
  wrapper.append(ripple);
  const remove = (): void => ripple.remove();
  ripple.addEventListener('animationend', remove, { once: true });
  (doc.defaultView ?? window).setTimeout(remove, RIPPLE_LIFETIME_MS);
}
