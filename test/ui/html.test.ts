import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../lib/ui/html.js';

describe('html templates', () => {
  it('escapes every interpolated string, in content and in attributes', () => {
    const evil = `<script>alert("x")</script>' onmouseover='y`;
    const out = html`<p title="${evil}">${evil}</p>`.text;
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y</p>',
    );
    expect(escapeHtml('a & b')).toBe('a &amp; b');
  });

  it('keeps nested templates as markup, joins arrays and drops null, undefined and false', () => {
    const items = ['<a>', 'b'].map((s) => html`<li>${s}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}${0}</ul>`.text).toBe(
      '<ul><li>&lt;a&gt;</li><li>b</li>0</ul>',
    );
  });
});
