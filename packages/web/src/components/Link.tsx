//! An anchor that navigates through the router on plain clicks and stays a real link
//! (open in new tab, copy address) otherwise.

import type { ComponentChildren } from 'preact';
import { isPlainClick, navigate } from '../router.ts';

interface LinkProps {
  href: string;
  class?: string;
  title?: string;
  children: ComponentChildren;
}

export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent): void => {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
