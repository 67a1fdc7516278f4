//! The `?` overlay listing the keyboard shortcuts (shortcuts.ts). It sits over the replay,
//! takes focus while open and gives it back when closed (Esc, `?`, the close button).

import { SHORTCUTS } from './shortcuts.ts';

export interface HelpOverlay {
  readonly element: HTMLElement;
  isOpen(): boolean;
  toggle(): void;
  close(): void;
}

export function createHelpOverlay(doc: Document): HelpOverlay {
  const overlay = doc.createElement('div');
  overlay.className = 'td-help';
  overlay.hidden = true;
  overlay.setAttribute('role', 'dialog');
  overlay.setAttribute('aria-modal', 'false');
  overlay.setAttribute('aria-labelledby', 'td-help-title');
  const panel = doc.createElement('div');
  panel.className = 'td-help__panel';
  const title = doc.createElement('h2');
  title.className = 'td-help__title';
  title.id = 'td-help-title';
  title.textContent = 'Keyboard shortcuts';
  const close = doc.createElement('button');
  close.type = 'button';
  close.className = 'td-icon-button td-help__close';
  close.setAttribute('aria-label', 'Close');
  close.title = 'Close (Esc)';
  close.textContent = '×';
  const list = doc.createElement('dl');
  list.className = 'td-help__list';
  for (const shortcut of SHORTCUTS) {
    const keys = doc.createElement('dt');
    shortcut.keys.forEach((key, i) => {
      if (i > 0) keys.append(doc.createTextNode(' + '));
      const kbd = doc.createElement('kbd');
      kbd.textContent = key;
      keys.append(kbd);
    });
    const what = doc.createElement('dd');
    what.textContent = shortcut.description;
    list.append(keys, what);
  }
  panel.append(title, close, list);
  overlay.append(panel);

  let returnFocus: Element | null = null;
  const help: HelpOverlay = {
    element: overlay,
    isOpen: () => !overlay.hidden,
    toggle() {
      if (!overlay.hidden) return help.close();
      returnFocus = doc.activeElement;
      overlay.hidden = false;
      close.focus();
    },
    close() {
      if (overlay.hidden) return;
      overlay.hidden = true;
      if (returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus();
      returnFocus = null;
    },
  };
  close.addEventListener('click', () => help.close());
  // A click on the dimmed backdrop (not the panel) closes it too.
  overlay.addEventListener('click', (event) => {
    if (event.target === overlay) help.close();
  });
  return help;
}
