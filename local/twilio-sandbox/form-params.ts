// Twilio's REST API takes application/x-www-form-urlencoded bodies; a parameter may repeat
// (StatusCallbackEvent, MediaUrl). A body of any other type reads as no parameters at all, which is
// how Twilio ends up answering a JSON body with "'To' phone number is required" (21604 lists "Your
// request is not formatted as application/x-www-form-urlencoded" among its causes:
// https://www.twilio.com/docs/api/errors/21604).

export class FormParams {
  readonly #params: URLSearchParams;

  constructor(contentType: string | undefined, body: string) {
    const mediaType = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
    this.#params = new URLSearchParams(mediaType === 'application/x-www-form-urlencoded' ? body : '');
  }

  /** The first value, or null when absent or empty (Twilio treats an empty parameter as not given). */
  get(name: string): string | null {
    const value = this.#params.get(name);
    return value === null || value === '' ? null : value;
  }

  all(name: string): string[] {
    return this.#params.getAll(name);
  }
}
