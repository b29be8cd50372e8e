// Stands in for codemirror-json-schema's markdown renderer (markdown-it with shiki, several hundred kB): schema
// descriptions are sentences with `code`, so escaping them and marking code is all the rendering they need. The
// result goes into innerHTML, so everything is escaped first.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function renderMarkdown(markdown: string, _inline = true): string {
  const escaped = String(markdown).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
  return escaped.replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\n/g, '<br>');
}
