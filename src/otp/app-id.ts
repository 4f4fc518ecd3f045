/**
 * Apps (docs/apps.md): one deployment serves several, each with its own keys, name, audience and
 * limits. A request belongs to the app of its caller's API key; a browser caller (no key) and every
 * key of API_KEYS / ADMIN_API_KEYS belong to the default app, which is today's single-app settings.
 */
export const DEFAULT_APP_ID = 'default';

/**
 * An app's id: lower case, at most 16 characters (it is sealed into every verification id of the
 * app, which must stay within 128 characters, and names its stats fields), and never `default`,
 * which the single-app settings own.
 */
export const APP_ID_PATTERN = /^[a-z][a-z0-9_-]{0,15}$/;
