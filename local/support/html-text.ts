// Untrusted text (an SMS body, spoken words, a URL) turned into HTML for the sandboxes' inbox pages:
// always escaped, with the digits that look like a one-time code marked so they stand out.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in element content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

// An OTP is a standalone run of 4 to 8 digits; longer runs are phone numbers and stay plain.
const CODE_LIKE = /(?<![0-9])[0-9]{4,8}(?![0-9])/g;

/** The message text escaped, with code-like digit runs wrapped in <mark class="code"> so they stand out. */
export function highlightCodes(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(CODE_LIKE)) {
    html += `${escapeHtml(text.slice(last, match.index))}<mark class="code">${match[0]}</mark>`;
    last = match.index + match[0].length;
  }
  return html + escapeHtml(text.slice(last));
}
