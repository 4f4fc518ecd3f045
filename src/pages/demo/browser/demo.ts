/**
 * The demo page's browser code (served as /assets/demo.js): phone number → SMS → code → receipt,
 * as a customer's page would do it. It talks only to this origin's API (and to Turnstile when a
 * site key is configured). Settings come from `data-*` attributes the Worker escaped; everything
 * shown goes in through `textContent`, never as HTML.
 */
import { callApi, type PageError, postJson } from './api-call.ts';
import { createCountdowns } from './countdowns.ts';
import { errorSentence } from './error-sentences.ts';
import { receiptClaimRows } from './receipt-claims.ts';
import { duration, plural } from './wording.ts';

type Step = 'request' | 'verify' | 'approved';
type Tone = 'info' | 'error' | 'ok';

interface CodeSent {
  verificationId: string;
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

interface VerificationState {
  status: 'pending' | 'approved' | 'canceled' | 'expired';
  attemptsRemaining: number;
  delivery: { status: string } | null;
}

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`demo page: #${id} is missing`);
  return found;
}

const root = element('demo', HTMLElement);
const otpLength = Number(root.dataset.otpLength);
const siteKey = root.dataset.turnstileSiteKey ?? '';
const turnstileAction = root.dataset.turnstileAction ?? '';
const requestForm = element('request-form', HTMLFormElement);
const verifyForm = element('verify-form', HTMLFormElement);
const approved = element('approved', HTMLElement);
const phoneInput = element('phone', HTMLInputElement);
const codeInput = element('code', HTMLInputElement);
const sendButton = element('send', HTMLButtonElement);
const verifyButton = element('verify', HTMLButtonElement);
const resendButton = element('resend', HTMLButtonElement);
const message = element('message', HTMLElement);
const statusLine = element('verification-status', HTMLElement);
const turnstileBox = document.getElementById('turnstile');

const countdowns = createCountdowns();
let phone = '';
/** The current verification: the only handle on its code (verify, status, cancel). */
let verificationId = '';
let turnstileToken = '';
let widgetId: string | undefined;
let webOtp: AbortController | undefined;

function showStep(step: Step): void {
  requestForm.hidden = step !== 'request';
  verifyForm.hidden = step !== 'verify';
  approved.hidden = step !== 'approved';
  if (turnstileBox) turnstileBox.hidden = step === 'approved';
  root.dataset.step = step;
}

function render(text: string, tone: Tone): void {
  message.textContent = text;
  message.dataset.tone = tone;
  message.hidden = text === '';
}

/** A new message replaces the old one and ends its countdown. */
function say(text: string, tone: Tone = 'info'): void {
  countdowns.stop('message');
  render(text, tone);
}

function explain(error: PageError): void {
  const { sentence, passesWithTime } = errorSentence(error);
  const wait = error.retryAfterSeconds ?? 0;
  if (!passesWithTime) {
    say(sentence, 'error');
    return;
  }
  if (!wait) {
    say(`${sentence} Please try again later.`, 'error');
    return;
  }
  countdowns.start(
    'message',
    wait,
    (left) => render(`${sentence} You can try again in ${duration(left)}.`, 'error'),
    () => render(`${sentence} You can try again now.`, 'info'),
  );
}

function startResendCountdown(seconds: number): void {
  resendButton.disabled = true;
  countdowns.start(
    'resend',
    seconds,
    (left) => {
      resendButton.textContent = `Resend code in ${left} s`;
    },
    () => {
      resendButton.disabled = false;
      resendButton.textContent = 'Resend code';
    },
  );
}

function setBusy(button: HTMLButtonElement, busyText: string): () => void {
  const idleText = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = busyText;
  return () => {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = idleText;
  };
}

function resetTurnstile(): void {
  turnstileToken = '';
  if (window.turnstile && widgetId !== undefined) window.turnstile.reset(widgetId);
}

async function requestCode(button: HTMLButtonElement): Promise<void> {
  const body: { phone: string; turnstileToken?: string } = { phone };
  if (siteKey) {
    if (!turnstileToken) return say('Please complete the "are you human" check first.', 'error');
    body.turnstileToken = turnstileToken;
  }
  const idle = setBusy(button, 'Sending…');
  const result = await postJson<CodeSent>('/otp/request', body);
  idle();
  if (siteKey) resetTurnstile();
  if (result.ok) {
    verificationId = result.data.verificationId;
    enterVerifyStep(result.data.resendAfterSeconds);
    say(`We sent a code to ${phone}. It expires in ${duration(result.data.expiresInSeconds)}.`);
    void showStatus();
    return;
  }
  // A code already on its way belongs to a verification this page no longer holds (it was
  // reloaded): only a new request, once the cooldown is over, gives a code it can verify.
  if (result.error.code === 'resend_too_soon' && root.dataset.step === 'verify') {
    startResendCountdown(result.error.retryAfterSeconds ?? 0);
  }
  explain(result.error);
}

/** The verification as the API sees it: status, attempts left, the SMS's delivery report. */
async function showStatus(): Promise<void> {
  if (!verificationId) return;
  const result = await callApi<VerificationState>('GET', `/otp/verifications/${verificationId}`);
  if (!result.ok) return;
  const { status, attemptsRemaining, delivery } = result.data;
  const parts = [`Status: ${status}`];
  if (status === 'pending') parts.push(`${plural(attemptsRemaining, 'attempt', 'attempts')} left`);
  if (delivery) parts.push(`SMS ${delivery.status}`);
  statusLine.textContent = parts.join(' · ');
  statusLine.dataset.status = status;
  statusLine.hidden = false;
}

function enterVerifyStep(resendAfterSeconds: number): void {
  element('sent-to', HTMLElement).textContent = phone;
  codeInput.value = '';
  showStep('verify');
  startResendCountdown(resendAfterSeconds);
  codeInput.focus();
  listenForSmsCode();
}

/**
 * WebOTP: Chrome on Android offers the code from an SMS whose last line is "@<this host> #<code>"
 * (WEBOTP_DOMAIN). Aborted, denied or unsupported, the visitor types the code instead.
 */
function listenForSmsCode(): void {
  stopListening();
  if (!('OTPCredential' in window) || !navigator.credentials) return;
  webOtp = new AbortController();
  navigator.credentials
    .get({ otp: { transport: ['sms'] }, signal: webOtp.signal })
    .then((credential) => {
      const code = credential && 'code' in credential ? (credential as OtpCredential).code : '';
      if (code && root.dataset.step === 'verify') {
        codeInput.value = code;
        void verifyCode(code);
      }
    })
    .catch(() => undefined);
}

function stopListening(): void {
  webOtp?.abort();
  webOtp = undefined;
}

async function verifyCode(code: string): Promise<void> {
  stopListening();
  const idle = setBusy(verifyButton, 'Checking…');
  const result = await postJson<{ receipt: string }>('/otp/verify', { verificationId, code });
  idle();
  if (result.ok) return showReceipt(result.data.receipt);
  explain(result.error);
  codeInput.select();
  void showStatus();
}

function showReceipt(token: string): void {
  countdowns.stopAll();
  const list = element('claims', HTMLElement);
  list.replaceChildren();
  for (const [name, value] of receiptClaimRows(token)) {
    const term = document.createElement('dt');
    term.textContent = name;
    const detail = document.createElement('dd');
    detail.textContent = value;
    detail.dataset.claim = name;
    list.append(term, detail);
  }
  element('receipt-token', HTMLElement).textContent = token;
  showStep('approved');
  say('Your backend checks this receipt with the keys at /.well-known/jwks.json before trusting it.', 'ok');
}

function startOver(): void {
  stopListening();
  countdowns.stopAll();
  verificationId = '';
  statusLine.hidden = true;
  say('');
  showStep('request');
  phoneInput.focus();
}

/** "Change number": the pending code must stop working, so the verification is canceled first. */
async function changeNumber(): Promise<void> {
  if (verificationId) await callApi('DELETE', `/otp/verifications/${verificationId}`);
  startOver();
}

requestForm.addEventListener('submit', (event) => {
  event.preventDefault();
  phone = phoneInput.value.trim();
  if (!phone) return say('Type a phone number first.', 'error');
  say('');
  void requestCode(sendButton);
});

verifyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = codeInput.value.trim();
  if (!new RegExp(`^[0-9]{${otpLength}}$`).test(code))
    return say(`The code has ${otpLength} digits.`, 'error');
  void verifyCode(code);
});

// Pasted codes like "123 456" keep their digits only.
codeInput.addEventListener('input', () => {
  const digits = codeInput.value.replace(/[^0-9]/g, '').slice(0, otpLength);
  if (digits !== codeInput.value) codeInput.value = digits;
});

resendButton.addEventListener('click', () => {
  say('');
  void requestCode(resendButton);
});

element('change-number', HTMLButtonElement).addEventListener('click', () => {
  void changeNumber();
});
element('start-over', HTMLButtonElement).addEventListener('click', startOver);

if (siteKey) {
  // Turnstile's loader (rendered after this script, with `onload=otpDemoTurnstileReady`) calls it.
  window.otpDemoTurnstileReady = () => {
    widgetId = window.turnstile?.render('#turnstile', {
      sitekey: siteKey,
      ...(turnstileAction ? { action: turnstileAction } : {}),
      callback: (token) => {
        turnstileToken = token;
      },
      'expired-callback': () => {
        turnstileToken = '';
      },
      'error-callback': () => {
        turnstileToken = '';
      },
    });
  };
}

showStep('request');
root.dataset.ready = 'true';
