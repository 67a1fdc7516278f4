/**
 * The scripted user of each benchmark page: a fixed list of steps run on a fixed schedule (one
 * step every `stepMs`), so every arm gets exactly the same work in the same wall-clock time.
 * `loopable` steps mutate only existing nodes (no node churn), which the checkout measurement
 * needs to repeat a recorded segment (bench/checkout.mjs).
 */
import { sleep } from './lib/util.mjs';

const typeInto = async (page, selector, text) => {
  await page.click(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text, { delay: 8 });
};

export const PAGES = {
  form: {
    file: 'form.html',
    what: 'checkout form: typing, selects, checkboxes, validation, items added',
    stepMs: 300,
    steps: [
      (p) => typeInto(p, '#first', 'Ada'),
      (p) => typeInto(p, '#last', 'Lovelace'),
      (p) => typeInto(p, '#email', 'ada@example.com'),
      (p) => typeInto(p, '#street', '12 Main St'),
      (p, i) => p.selectOption('#country', { index: i % 19 }),
      (p) => p.click('#gift'),
      (p, i) => p.click(`input[name=speed][value=${['standard', 'express', 'pickup'][i % 3]}]`),
      (p) => typeInto(p, '#notes', 'Ring twice'),
      (p) => p.click('#add'),
      (p) => p.click('#submit'),
      (p, i) => p.mouse.wheel(0, i % 2 ? 300 : -300),
    ],
  },
  grid: {
    file: 'grid.html',
    what: '5,000-row table (40k cells), live cell updates, scrolling, row selection, sorting',
    stepMs: 300,
    steps: [
      async (p) => { await p.mouse.move(600, 400); await p.mouse.wheel(0, 900); },
      (p) => p.mouse.click(500, 300),
      (p) => p.mouse.wheel(0, 1500),
      (p, i) => p.mouse.click(400, 200 + (i % 10) * 20),
      (p, i, loopable) => (loopable ? p.mouse.wheel(0, -600) : p.click(`th[data-col="${(i >> 2) % 8}"]`)),
      (p) => p.fill('#filter', 'ship'),
    ],
  },
  editor: {
    file: 'editor.html',
    what: 'contenteditable document: typing, new paragraphs, bold, outline updates',
    stepMs: 400,
    steps: [
      async (p, i) => { await p.click(`#doc p:nth-of-type(${1 + (i % 30)})`); await p.keyboard.press('End'); },
      (p) => p.keyboard.type(' Then we agreed to ship it.', { delay: 6 }),
      (p) => p.keyboard.press('Enter'),
      (p) => p.keyboard.type('Next steps for the team', { delay: 6 }),
      async (p) => { await p.keyboard.press('Shift+Home'); await p.click('#b'); },
    ],
  },
  ticker: {
    file: 'ticker.html',
    what: '200 cells updated every 50 ms by the page, mouse moves, tab clicks',
    stepMs: 300,
    steps: [
      (p, i) => p.mouse.move(100 + (i % 8) * 140, 100 + (i % 5) * 60, { steps: 5 }),
      (p, i) => p.click(`header button:nth-child(${1 + (i % 4)})`),
      (p) => p.mouse.wheel(0, 200),
      (p) => p.mouse.wheel(0, -200),
    ],
  },
  article: {
    file: 'article.html',
    what: '~30,000-word article: scrolling, table-of-contents jumps, text selection',
    stepMs: 250,
    steps: [
      async (p) => { await p.mouse.move(700, 400); await p.mouse.wheel(0, 700); },
      (p) => p.mouse.wheel(0, 700),
      (p) => p.mouse.wheel(0, 700),
      (p, i) => p.click(`#toc li:nth-child(${1 + ((i * 7) % 60)}) a`),
      (p) => p.mouse.click(700, 300, { clickCount: 3 }),
    ],
  },
};

/** Runs `page`'s steps for `durationMs` on a fixed schedule; returns the number of steps run. */
export async function interact(page, name, durationMs, { loopable = false } = {}) {
  const spec = PAGES[name];
  const count = Math.max(1, Math.floor(durationMs / spec.stepMs));
  const start = Date.now();
  for (let i = 0; i < count; i++) {
    const due = start + i * spec.stepMs;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    await spec.steps[i % spec.steps.length](page, i, loopable);
  }
  const rest = start + durationMs - Date.now();
  if (rest > 0) await sleep(rest);
  return count;
}
