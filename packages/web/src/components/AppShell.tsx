//! The signed-in page frame: top bar over the page content.

import type { ComponentChildren } from 'preact';
import { TopBar } from './TopBar.tsx';

export function AppShell({ email, wide, children }: { email: string | null; wide?: boolean; children: ComponentChildren }) {
  return (
    <div class="shell">
      <TopBar email={email} />
      <main class={wide ? 'shell__main shell__main--wide' : 'shell__main'}>{children}</main>
    </div>
  );
}
