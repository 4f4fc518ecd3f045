/**
 * The demo page's browser code (served as /assets/demo.js): phone number → code (by SMS, or the
 * channel the visitor picked) → receipt, with "Call me instead" when the code does not arrive, as a
 * customer's page would do it. It talks only to this origin's API (and to Turnstile when a
 * site key is configured). Settings come from `data-*` attributes the Worker escaped; everything
 * shown goes in through `textContent`, never as HTML.
 */
import type { Channel } from '../../../otp/channel.ts';
import { callApi, type PageError, postJson } from './api-call.ts';
import { createChannelFallback } from './channel-fallback.ts';
import { type ChannelPlan, chosenPlan, onlyOver } from './channel-plan.ts';
import { automaticSwitchSentence, sentSentence, switchedSentence } from './channel-wording.ts';
import { createCountdowns } from './countdowns.ts';
import { errorSentence } from './error-sentences.ts';
import { receiptClaimRows } from './receipt-claims.ts';
import { createStatusLines, type VerificationState } from './verification-status.ts';
import { createVerificationWatch, type WatchVerdict } from './verification-watch.ts';
import { duration } from './wording.ts';

type Step = 'request' | 'verify' | 'approved';
type Tone = 'info' | 'error' | 'ok';

interface CodeSent {
  verificationId: string;
  /** The channel the code went out on, and the one the service calls on by itself if it fails. */
  channel?: Channel;
  fallback?: Channel;
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

interface ChannelSwitched {
  channel: Channel;
  resendAfterSeconds: number;
}

/**
 * How often and how many times the page reads a pending verification for its delivery status: a
 * report usually lands within seconds, and a minute of reads stays well inside the verify limit.
 */
const READ_EVERY_MS = 5_000;
const MAX_READS = 12;

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`demo page: #${id} is missing`);
  return found;
}

const root = element('demo', HTMLElement);
const otpLength = Number(root.dataset.otpLength);
const fallbackDelaySeconds = Number(root.dataset.fallbackDelaySeconds) || 0;
const siteKey = root.dataset.turnstileSiteKey ?? '';
const turnstileAction = root.dataset.turnstileAction ?? '';
// `pressure`: the widget shows only when the API asks for a challenge (403 challenge_required).
const challengeOnDemand = root.dataset.turnstileMode === 'pressure';
const requestForm = element('request-form', HTMLFormElement);
const verifyForm = element('verify-form', HTMLFormElement);
const approved = element('approved', HTMLElement);
const phoneInput = element('phone', HTMLInputElement);
const codeInput = element('code', HTMLInputElement);
const sendButton = element('send', HTMLButtonElement);
const verifyButton = element('verify', HTMLButtonElement);
const resendButton = element('resend', HTMLButtonElement);
const message = element('message', HTMLElement);
const statusLines = createStatusLines(
  element('verification-status', HTMLElement),
  element('delivery-status', HTMLElement),
);
const turnstileBox = document.getElementById('turnstile');

const countdowns = createCountdowns();
const fallback = createChannelFallback(verifyForm, countdowns, (channel, button) => {
  void switchChannel(channel, button);
});
const watch = createVerificationWatch<VerificationState>({
  read: readVerification,
  onRead: showVerification,
  everyMs: READ_EVERY_MS,
  maxReads: MAX_READS,
});
let phone = '';
/** The current verification: the only handle on its code (verify, status, cancel, switch). */
let verificationId = '';
/** How the visitor asked for codes: a resend asks the same way. */
let plan: ChannelPlan = chosenPlan(requestForm);
/** The channel the current code went out on. */
let currentChannel: Channel = plan.channels[0];
/** Where the service moves the code by itself if the current one fails (one failure, one move). */
let followUpChannel: Channel | undefined;
let turnstileToken = '';
let widgetId: string | undefined;
/** The request a challenge interrupted: sent again, with the token, once the visitor solves it. */
let afterChallenge: (() => void) | undefined;
let challengeShown = false;
let webOtp: AbortController | undefined;

function showStep(step: Step): void {
  requestForm.hidden = step !== 'request';
  verifyForm.hidden = step !== 'verify';
  approved.hidden = step !== 'approved';
  if (turnstileBox) turnstileBox.hidden = step === 'approved' || (challengeOnDemand && !challengeShown);
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

function explain(error: PageError, channel: Channel = currentChannel): void {
  const { sentence, passesWithTime } = errorSentence(error, channel);
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

async function requestCode(button: HTMLButtonElement, asked: ChannelPlan): Promise<void> {
  const body: { phone: string; channel: string; turnstileToken?: string } = { phone, channel: asked.value };
  if (siteKey && !challengeOnDemand && !turnstileToken)
    return say('Please complete the "are you human" check first.', 'error');
  if (siteKey && turnstileToken) body.turnstileToken = turnstileToken;
  const idle = setBusy(button, 'Sending…');
  const result = await postJson<CodeSent>('/otp/request', body);
  idle();
  if (siteKey) resetTurnstile();
  if (result.ok) {
    verificationId = result.data.verificationId;
    plan = asked;
    // The API's answer names both when it has them; else the plan says what the choice does.
    const sent = result.data;
    currentChannel = sent.channel ?? asked.channels[0];
    followUpChannel = sent.channel ? sent.fallback : asked.channels[1];
    enterVerifyStep(result.data.resendAfterSeconds);
    say(sentSentence(currentChannel, phone, duration(result.data.expiresInSeconds)));
    return;
  }
  // The service is under pressure: a person confirms and the same request goes again.
  if (result.error.code === 'challenge_required' && siteKey)
    return challenge(() => void requestCode(button, asked));
  // A code already on its way belongs to a verification this page no longer holds (it was
  // reloaded): only a new request, once the cooldown is over, gives a code it can verify.
  if (result.error.code === 'resend_too_soon' && root.dataset.step === 'verify') {
    startResendCountdown(result.error.retryAfterSeconds ?? 0);
  }
  explain(result.error, asked.channels[0]);
}

async function readVerification(): Promise<VerificationState | undefined> {
  if (!verificationId) return undefined;
  const result = await callApi<VerificationState>('GET', `/otp/verifications/${verificationId}`);
  return result.ok ? result.data : undefined;
}

/** The verification as the API sees it: status, attempts left, and how its code's delivery goes. */
function showVerification(state: VerificationState): WatchVerdict {
  if (state.status === 'pending' && state.channel !== currentChannel) followAutomaticSwitch(state.channel);
  const outcome = statusLines.show(state, currentChannel, {
    followUp: followUpChannel,
    alternative: fallback.alternativeTo(currentChannel),
  });
  if (state.status !== 'pending' || outcome === 'reached') return 'done';
  // A failure the service follows up by itself is worth reading on for: the switch shows next.
  return outcome === 'failed' && !followUpChannel ? 'done' : 'keep_reading';
}

/** The service sent the code another way by itself: the code the visitor may have is dead. */
function followAutomaticSwitch(channel: Channel): void {
  const from = currentChannel;
  followUpChannel = undefined;
  onNewCode(channel);
  say(automaticSwitchSentence(from, channel));
}

/** A code went out on `channel` and replaced any earlier one of this verification. */
function onNewCode(channel: Channel): void {
  currentChannel = channel;
  codeInput.value = '';
  statusLines.clearDelivery();
  fallback.offer(channel, fallbackDelaySeconds);
  listenForSmsCode();
}

function enterVerifyStep(resendAfterSeconds: number): void {
  element('sent-to', HTMLElement).textContent = phone;
  showStep('verify');
  startResendCountdown(resendAfterSeconds);
  onNewCode(currentChannel);
  codeInput.focus();
  watch.start();
}

/** "Call me instead": a new code over `channel` on the same verification. */
async function switchChannel(channel: Channel, button: HTMLButtonElement): Promise<void> {
  fallback.hold();
  // A read landing while the switch is under way could show its new channel before the page knows
  // it made that switch, and announce it as the service's own: reads pause until the answer.
  watch.stop();
  const idle = setBusy(button, 'Sending…');
  // A switch is a send: it meets the same bot check as a request.
  const body = turnstileToken ? { channel, turnstileToken } : { channel };
  const result = await postJson<ChannelSwitched>(`/otp/verifications/${verificationId}/channel`, body);
  idle();
  if (siteKey) resetTurnstile();
  if (!result.ok && result.error.code === 'challenge_required' && siteKey) {
    fallback.offer(currentChannel, 0);
    watch.start();
    return challenge(() => void switchChannel(channel, button));
  }
  if (result.ok) {
    // Any switch ends the service's own follow-up.
    plan = onlyOver(result.data.channel);
    followUpChannel = undefined;
    onNewCode(result.data.channel);
    startResendCountdown(result.data.resendAfterSeconds);
    say(switchedSentence(result.data.channel));
    codeInput.focus();
  } else {
    // The API's Retry-After is the truth about the delay; the page's own count may have run early.
    const wait = result.error.code === 'fallback_too_soon' ? (result.error.retryAfterSeconds ?? 0) : 0;
    fallback.offer(currentChannel, wait);
    explain(result.error, channel);
  }
  watch.start();
}

/**
 * WebOTP: Chrome on Android offers the code from an SMS whose last line is "@<this host> #<code>"
 * (WEBOTP_DOMAIN). Aborted, denied or unsupported, the visitor types the code instead. Only while
 * the current code went out by SMS: an SMS arriving after a switch carries a dead code.
 */
function listenForSmsCode(): void {
  stopListening();
  if (currentChannel !== 'sms') return;
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
  watch.readNow();
}

function showReceipt(token: string): void {
  watch.stop();
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
  watch.stop();
  fallback.hide();
  countdowns.stopAll();
  verificationId = '';
  statusLines.hide();
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
  void requestCode(sendButton, chosenPlan(requestForm));
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
  void requestCode(resendButton, plan);
});

element('change-number', HTMLButtonElement).addEventListener('click', () => {
  void changeNumber();
});
element('start-over', HTMLButtonElement).addEventListener('click', startOver);

let turnstileLoaded = false;

function renderWidget(): void {
  widgetId = window.turnstile?.render('#turnstile', {
    sitekey: siteKey,
    ...(turnstileAction ? { action: turnstileAction } : {}),
    callback: (token) => {
      turnstileToken = token;
      const retry = afterChallenge;
      afterChallenge = undefined;
      retry?.();
    },
    'expired-callback': () => {
      turnstileToken = '';
    },
    'error-callback': () => {
      turnstileToken = '';
    },
  });
}

/**
 * The API asked for a challenge (TURNSTILE_MODE=pressure): show the widget, and send `retry` again
 * once the visitor has solved it.
 */
function challenge(retry: () => void): void {
  challengeShown = true;
  if (turnstileBox) turnstileBox.hidden = false;
  afterChallenge = retry;
  if (widgetId === undefined && turnstileLoaded) renderWidget();
  say('Many codes are being requested right now: please confirm you are a person.');
}

if (siteKey) {
  // Turnstile's loader (rendered after this script, with `onload=otpDemoTurnstileReady`) calls it.
  // In pressure mode the widget waits for the API's challenge: most visitors never see it.
  window.otpDemoTurnstileReady = () => {
    turnstileLoaded = true;
    if (!challengeOnDemand || challengeShown) renderWidget();
  };
}

showStep('request');
root.dataset.ready = 'true';
