import { html } from './html.js';
import { renderPage } from './page-shell.js';

const TITLES: Record<number, string> = {
  400: 'This address is not valid',
  401: 'This link does not open this page',
  404: 'Nothing here',
  405: 'Only GET is served here',
  500: 'The page could not be built',
};

/** A page that says why nothing else is shown: bad address (400), link refused (401), unknown rollout (404). */
export function renderRefusalPage(status: number, message: string, hint?: string): string {
  const title = TITLES[status] ?? 'Not shown';
  return renderPage({
    title,
    body: html`<div class="refused" data-status="${status}"><h1>${title}</h1><p>${message}</p>${hint ? html`<p class="muted">${hint}</p>` : null}<p class="muted">HTTP ${status}</p></div>`,
  });
}
