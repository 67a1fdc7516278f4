//! Entry point: publishes the automation facade early on player pages, wires
//! `loadSession` to the router, and renders the app.

import { render } from 'preact';
import { App } from './app.tsx';
import { installAutomation, replayHost } from './replay-host.ts';
import { navigate } from './router.ts';
import { matchRoute, sessionPath } from './routes.ts';
import './styles.css';
import './session-page.css';
import './sessions-list.css';
import './settings.css';

replayHost.openSession = (id) => {
  const embed = new URLSearchParams(location.search).get('embed') === '1';
  navigate(sessionPath(id, { embed }));
};
// Before the first render, so automation can `await window.tapedeck.player.ready` at once.
if (matchRoute(location.pathname).name === 'session') installAutomation();

const root = document.getElementById('app');
if (root) render(<App />, root);
