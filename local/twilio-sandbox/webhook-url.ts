// What Twilio accepts as a webhook URL (StatusCallback, a call's Url): absolute http(s) with a
// valid hostname, no underscores in it, at most 4000 characters
// (https://www.twilio.com/docs/api/errors/21609; twilio-oai marks them format: uri).

const MAX_URL_LENGTH = 4000;

export function isWebhookUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    !url.hostname.includes('_')
  );
}

/** GET or POST, POST when absent; case-insensitive, as the enum's only two values cannot be confused. */
export function parseHttpMethod(value: string | null): 'GET' | 'POST' | null {
  if (value === null) return 'POST';
  const upper = value.toUpperCase();
  return upper === 'GET' || upper === 'POST' ? upper : null;
}
