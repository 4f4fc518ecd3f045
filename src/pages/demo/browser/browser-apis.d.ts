/**
 * Browser APIs the demo uses that TypeScript's DOM library does not describe (yet): Cloudflare
 * Turnstile's explicit rendering and WebOTP.
 * https://developers.cloudflare.com/turnstile/get-started/client-side-rendering/
 * https://developer.mozilla.org/en-US/docs/Web/API/WebOTP_API
 */
interface TurnstileRenderOptions {
  sitekey: string;
  action?: string;
  callback: (token: string) => void;
  'expired-callback': () => void;
  'error-callback': () => void;
}

interface Turnstile {
  render(container: string | HTMLElement, options: TurnstileRenderOptions): string;
  reset(widgetId: string): void;
}

interface Window {
  turnstile?: Turnstile;
  /** Named in the loader's `onload=` parameter (src/pages/demo/demo-page.ts). */
  otpDemoTurnstileReady?: () => void;
  OTPCredential?: unknown;
}

interface OtpCredential extends Credential {
  code: string;
}

interface CredentialRequestOptions {
  otp?: { transport: 'sms'[] };
}
