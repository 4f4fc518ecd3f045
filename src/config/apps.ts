import * as z from 'zod/mini';
import { APP_ID_PATTERN, DEFAULT_APP_ID } from '../otp/app-id.ts';
import { CHANNELS, type Channel } from '../otp/channel.ts';
import { decodeWebhookSecret } from '../otp/events/webhook-secret.ts';
import { AUDIENCE_RULE, isReceiptAudience } from '../receipt/audience.ts';
import './zod-messages.ts';

/**
 * The apps of a deployment besides the default one (docs/apps.md): their public settings in the
 * `APPS` var (JSON, reviewed in wrangler.toml like every other var), their secrets in
 * `APP_API_KEYS`, `APP_TEST_NUMBERS` and `APP_WEBHOOK_SECRETS` (`app:value` lists). Parsed once per
 * isolate with the rest of the configuration, so a request costs no store round trip to learn its
 * app, and a bad app fails the load naming itself and the field (never a secret's value).
 */

/** Where an app's events go (Standard Webhooks): the URL and its `whsec_` secrets, several during a rotation. */
export interface AppWebhook {
  readonly url: string;
  readonly secrets: readonly string[];
}

/** What an app is, as the rest of the Worker names it. */
export interface AppIdentity {
  readonly id: string;
  /** The name its messages use (APP_NAME for the default app). */
  readonly name: string;
  /** undefined: the app sends no events. */
  readonly webhook: AppWebhook | undefined;
}

/** One entry of APPS, with its secrets joined in; unset fields take the deployment's value. */
export interface AppDeclaration {
  readonly id: string;
  readonly name: string;
  readonly audience: string;
  readonly allowedCountries: string | undefined;
  readonly expected: string | undefined;
  readonly channels: readonly Channel[] | undefined;
  readonly sender: string | undefined;
  readonly powerpackUuid: string | undefined;
  readonly whatsAppSrc: string | undefined;
  readonly whatsAppTemplate: string | undefined;
  readonly voiceSrc: string | undefined;
  readonly otpLength: number | undefined;
  readonly otpTtlSeconds: number | undefined;
  readonly testNumbers: string | undefined;
  readonly testNumbersExpireAt: string | undefined;
  readonly webhook: AppWebhook | undefined;
  /** `key` or `key@audience` entries of APP_API_KEYS for this app. */
  readonly apiKeys: readonly string[];
}

const text = (max: number) => z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(max)));
const whole = (min: number, max: number) =>
  z.optional(z.number().check(z.int(), z.minimum(min), z.maximum(max)));

/** The public part of one app, as written in APPS. Unknown fields are refused: a typo must not pass as a default. */
const appEntry = z.strictObject({
  id: z.string().check(z.regex(APP_ID_PATTERN, 'must be 1-16 of a-z 0-9 _ -, starting with a letter')),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(30)),
  audience: z.string().check(z.refine(isReceiptAudience, `must be ${AUDIENCE_RULE}`)),
  allowedCountries: z.optional(
    z
      .string()
      .check(z.regex(/^\s*(\*|[A-Za-z]{2})(\s*,\s*(\*|[A-Za-z]{2}))*\s*$/, 'must be * or a list like US,CA')),
  ),
  expected: text(2000),
  channels: z.optional(z.array(z.enum(CHANNELS)).check(z.minLength(1))),
  sender: text(64),
  powerpackUuid: text(64),
  whatsAppSrc: text(64),
  whatsAppTemplate: text(512),
  voiceSrc: text(64),
  otpLength: whole(6, 10),
  otpTtlSeconds: whole(1, 600),
  testNumbersExpireAt: text(64),
  webhookUrl: z.optional(z.url({ protocol: /^https?$/ })),
});

export type AppsParse = { ok: true; apps: AppDeclaration[] } | { ok: false; problems: string[] };

export interface AppSettingsInput {
  APPS?: string | undefined;
  APP_API_KEYS?: string | undefined;
  APP_TEST_NUMBERS?: string | undefined;
  APP_WEBHOOK_SECRETS?: string | undefined;
}

/**
 * APPS and the `app:value` secrets → one declaration per app. Problems name the app (by id, or by
 * position when the id itself is wrong) and the field; a secret's entries are named by position.
 */
export function parseAppDeclarations(input: AppSettingsInput): AppsParse {
  const problems: string[] = [];
  let entries: unknown = [];
  if (input.APPS !== undefined) {
    try {
      entries = JSON.parse(input.APPS);
    } catch {
      return { ok: false, problems: ['APPS: is not JSON (a list of apps: [{"id": "shop", ...}])'] };
    }
  }
  if (!Array.isArray(entries)) return { ok: false, problems: ['APPS: must be a JSON list of apps'] };

  const declared: z.output<typeof appEntry>[] = [];
  entries.forEach((entry, index) => {
    const parsed = appEntry.safeParse(entry);
    const id = (entry as { id?: unknown } | null)?.id;
    const which = typeof id === 'string' && APP_ID_PATTERN.test(id) ? `app "${id}"` : `app ${index + 1}`;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`APPS: ${which}: ${issue.path.join('.') || 'entry'}: ${issue.message}`);
      }
      return;
    }
    if (parsed.data.id === DEFAULT_APP_ID) {
      problems.push(
        `APPS: ${which}: id: "${DEFAULT_APP_ID}" is the single-app settings' app (APP_NAME, API_KEYS...)`,
      );
    } else if (declared.some((other) => other.id === parsed.data.id)) {
      problems.push(`APPS: ${which}: id: declared twice`);
    } else {
      declared.push(parsed.data);
    }
  });

  const ids = new Set(declared.map((app) => app.id));
  const apiKeys = splitByApp('APP_API_KEYS', input.APP_API_KEYS, ids, problems);
  const testNumbers = splitByApp('APP_TEST_NUMBERS', input.APP_TEST_NUMBERS, ids, problems);
  const secrets = splitByApp('APP_WEBHOOK_SECRETS', input.APP_WEBHOOK_SECRETS, ids, problems);
  for (const [id, list] of secrets) {
    list.forEach((secret, index) => {
      if (decodeWebhookSecret(secret) === undefined) {
        problems.push(
          `APP_WEBHOOK_SECRETS: app "${id}": secret ${index + 1} must be whsec_ then the base64 of 24-64 random bytes`,
        );
      }
    });
  }

  const apps = declared.map((app): AppDeclaration => {
    const webhookSecrets = secrets.get(app.id) ?? [];
    if (app.webhookUrl !== undefined && webhookSecrets.length === 0) {
      problems.push(`APPS: app "${app.id}": webhookUrl: needs at least one secret in APP_WEBHOOK_SECRETS`);
    }
    if (app.webhookUrl === undefined && webhookSecrets.length > 0) {
      problems.push(`APP_WEBHOOK_SECRETS: app "${app.id}": has secrets but APPS gives it no webhookUrl`);
    }
    if (app.sender !== undefined && app.powerpackUuid !== undefined) {
      problems.push(`APPS: app "${app.id}": sender: set at most one of sender and powerpackUuid`);
    }
    if ((app.whatsAppSrc === undefined) !== (app.whatsAppTemplate === undefined)) {
      problems.push(
        `APPS: app "${app.id}": whatsAppSrc: set both whatsAppSrc and whatsAppTemplate, or neither`,
      );
    }
    const list = testNumbers.get(app.id);
    return {
      id: app.id,
      name: app.name,
      audience: app.audience,
      allowedCountries: app.allowedCountries,
      expected: app.expected,
      channels: app.channels,
      sender: app.sender,
      powerpackUuid: app.powerpackUuid,
      whatsAppSrc: app.whatsAppSrc,
      whatsAppTemplate: app.whatsAppTemplate,
      voiceSrc: app.voiceSrc,
      otpLength: app.otpLength,
      otpTtlSeconds: app.otpTtlSeconds,
      testNumbers: list?.join(','),
      testNumbersExpireAt: app.testNumbersExpireAt,
      webhook: app.webhookUrl === undefined ? undefined : { url: app.webhookUrl, secrets: webhookSecrets },
      apiKeys: apiKeys.get(app.id) ?? [],
    };
  });
  const audiences = new Map<string, string>();
  for (const app of apps) {
    const other = audiences.get(app.audience);
    if (other !== undefined) {
      // Two apps with one audience could accept each other's receipts: the audience is what tells them apart.
      problems.push(`APPS: app "${app.id}": audience: is also app "${other}"'s`);
    }
    audiences.set(app.audience, app.id);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, apps };
}

/**
 * `shop:a,shop:b,blog:c` → values by app. The value is everything after the first `:` (a test
 * number's `+E164:code` keeps its own). Entries are named by position, never by value.
 */
function splitByApp(
  setting: string,
  list: string | undefined,
  ids: ReadonlySet<string>,
  problems: string[],
): Map<string, string[]> {
  const byApp = new Map<string, string[]>();
  const entries = (list ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator < 0 ? '' : entry.slice(0, separator).trim();
    const value = entry.slice(separator + 1).trim();
    if (separator < 0 || value === '') {
      problems.push(`${setting}: entry ${index + 1} must be app:value (the app's id from APPS)`);
    } else if (!ids.has(id)) {
      problems.push(
        APP_ID_PATTERN.test(id)
          ? `${setting}: entry ${index + 1} names app "${id}", which APPS does not declare`
          : `${setting}: entry ${index + 1} must start with an app id from APPS`,
      );
    } else {
      byApp.set(id, [...(byApp.get(id) ?? []), value]);
    }
  });
  return byApp;
}
