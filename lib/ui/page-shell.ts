import { type Html, html, trusted } from './html.js';

export interface PageOptions {
  title: string;
  body: Html;
  /** Reloads the page (a `<meta refresh>`, no script needed) while what it shows can still change. */
  refreshSeconds?: number;
  /** Breadcrumb link shown above the body. */
  back?: { href: string; label: string };
}

/**
 * The shell of every page: one self-contained document (inline CSS, no scripts, fonts or external requests),
 * readable on a phone and in dark mode. Pages put their own markup in `body` using the classes below.
 */
export function renderPage(options: PageOptions): string {
  const refresh = options.refreshSeconds
    ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">`
    : null;
  const back = options.back
    ? html`<nav><a href="${options.back.href}">← ${options.back.label}</a></nav>`
    : null;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
${refresh}
<title>${options.title} · Aviary</title>
<style>${trusted(PAGE_CSS)}</style>
</head>
<body>
<header class="top"><span class="brand">Aviary</span>${back}</header>
<main>
${options.body}
</main>
</body>
</html>
`.text;
}

/**
 * Response headers for pages: no caching (the state changes every tick), no referrer (signed links carry their
 * signature in the query), and a policy that forbids every script and every request the page did not inline.
 */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

const PAGE_CSS = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#5b636d;--line:#d8dde3;--panel:#f5f7f9;--ok:#1a7f37;--bad:#cf222e;
--warn:#9a6700;--info:#0969da;--idle:#6e7781;--canary:#8250df;--primary:#0969da;--grid:#e6e9ed}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;
--panel:#161b22;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--info:#58a6ff;--idle:#8b949e;--canary:#bc8cff;
--primary:#58a6ff;--grid:#21262d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto;padding:12px 16px 40px}
.top{display:flex;gap:16px;align-items:baseline;padding:10px 16px;border-bottom:1px solid var(--line)}
.brand{font-weight:700;letter-spacing:.02em}
a{color:var(--info)}
h1{font-size:1.35rem;margin:.6em 0 .2em;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.4em 0 .5em}
.muted{color:var(--muted)}
.nowrap{white-space:nowrap;overflow-wrap:normal}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
.phase{display:inline-flex;align-items:center;gap:.3em;font-weight:600;white-space:nowrap}
.phase svg{width:1em;height:1em}
.phase-ok{color:var(--ok)}.phase-bad{color:var(--bad)}.phase-warn{color:var(--warn)}
.phase-info{color:var(--info)}.phase-idle{color:var(--idle)}
.bar{display:inline-block;width:90px;height:8px;border-radius:4px;background:var(--grid);vertical-align:middle;overflow:hidden}
.bar>span{display:block;height:100%;background:var(--canary)}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:8px 6px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:8px 0 12px}
form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
input,select,button{font:inherit;color:var(--fg);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:4px 8px}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:12px 0}
.facts div{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.facts dt{font-size:.75rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.chart{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px;margin:8px 0}
.chart svg{display:block;width:100%;height:auto}
.chart text{fill:var(--muted);font-size:11px}
.legend{display:flex;flex-wrap:wrap;gap:12px;font-size:.85rem;color:var(--muted);margin:4px 4px 0}
.legend i{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:4px}
.evidence{list-style:none;padding:0;margin:8px 0}
.evidence li{padding:4px 0}
.decisions{list-style:none;padding:0;margin:0}
.decisions>li{display:grid;grid-template-columns:7.5em 1fr;gap:4px 10px;padding:8px 0;border-bottom:1px solid var(--line)}
.decisions time{color:var(--muted);font-variant-numeric:tabular-nums}
.decisions .what{font-weight:600}
.decisions .expert{color:var(--muted);font-size:.85em}
.empty{padding:24px;text-align:center;color:var(--muted)}
.refused{max-width:560px;margin:40px auto;padding:20px;border:1px solid var(--line);border-radius:8px;background:var(--panel)}
.table-wrap{overflow-x:auto}
@media (max-width:640px){.hide-narrow{display:none}th,td{padding:6px 3px}.decisions>li{grid-template-columns:1fr}
td .bar{display:none}td .phase{white-space:normal}main{padding:8px 10px 32px}
td{overflow-wrap:anywhere;word-break:break-word}}
`;
