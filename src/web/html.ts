/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** HTML built only from escaped text and these fixed fragments. */
export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
}

/** Tagged template: interpolated strings are escaped, Html values and arrays of them are inserted as they are. */
export function html(parts: TemplateStringsArray, ...values: Array<string | number | Html | Html[]>): Html {
  let out = parts[0]!;
  values.forEach((v, i) => {
    out += v instanceof Html ? v.value : Array.isArray(v) ? v.map((h) => h.value).join('') : escapeHtml(String(v));
    out += parts[i + 1]!;
  });
  return new Html(out);
}

const style = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}form{margin-top:1.5rem}button{font:inherit;padding:.5rem 1.2rem;margin-right:.8rem;border-radius:.3rem;border:1px solid #888;cursor:pointer}
button.yes{background:#1a7f37;color:#fff;border-color:#1a7f37}button.no{background:#fff}.note{color:#666;font-size:.9rem}label{display:block;margin:.5rem 0}`;

/** An HTML document: `head` adds to the head (a stylesheet), `body` is the whole body. */
export function documentOf(title: string, head: Html, body: Html): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
${head.value}
</head>
<body>
${body.value}
</body>
</html>
`;
}

/** A whole page: the answer pages are small, self-contained and carry no script. */
export function page(title: string, body: Html): string {
  return documentOf(title, new Html(`<style>${style}</style>`), html`<h1>${title}</h1>\n${body}`);
}
