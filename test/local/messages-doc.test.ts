import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGES_DOC, renderMessagesDocument } from '../../scripts/render-messages.ts';
import { SMS_LOCALES } from '../../src/otp/messages/templates.ts';

describe('docs/messages.md', () => {
  it('is what `node scripts/render-messages.ts` writes from the templates today', () => {
    expect(readFileSync(MESSAGES_DOC, 'utf8')).toBe(renderMessagesDocument());
  });

  it('shows every language once, with its encoding', () => {
    const rows =
      renderMessagesDocument().match(/^\| `([A-Za-z-]+)` \| [^|]+ \| [^|]+ \| (GSM-7|UCS-2) \|/gm) ?? [];
    expect(rows.map((row) => row.split('`')[1])).toEqual([...SMS_LOCALES]);
  });
});
