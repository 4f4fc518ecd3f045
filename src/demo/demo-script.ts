/**
 * The demo page's browser code: plain ES2020, no framework, inlined with the page's nonce. It only
 * talks to this origin's API (and to Turnstile when a site key is configured). Everything dynamic
 * comes from `data-*` attributes the server escaped, and everything shown goes in through
 * `textContent`, never as HTML. It is a string, so keep it free of backticks and dollar-braces,
 * and of comments (they would ship in the Worker bundle); the notes live here instead:
 * - A new message replaces the old one and ends its countdown; countdowns run against a deadline,
 *   so a throttled background tab still ends on time.
 * - `resend_too_soon` on the first request means a code is already on its way: the page moves on
 *   to the code field instead of making the user wait.
 * - WebOTP: Chrome on Android offers the code from an SMS whose last line is "@<this host> #<code>"
 *   (WEBOTP_DOMAIN); when it is aborted, denied or unsupported, the user types the code.
 * - Pasted codes like "123 456" keep their digits only.
 */
export const DEMO_SCRIPT = `
(() => {
  'use strict';
  const root = document.getElementById('demo');
  const byId = (id) => document.getElementById(id);
  const otpLength = Number(root.dataset.otpLength);
  const siteKey = root.dataset.turnstileSiteKey || '';
  const turnstileAction = root.dataset.turnstileAction || '';
  const requestForm = byId('request-form');
  const verifyForm = byId('verify-form');
  const approved = byId('approved');
  const phoneInput = byId('phone');
  const codeInput = byId('code');
  const sendButton = byId('send');
  const verifyButton = byId('verify');
  const resendButton = byId('resend');
  const message = byId('message');
  const turnstileBox = byId('turnstile');

  let phone = '';
  let turnstileToken = '';
  let widgetId;
  let webOtp;
  const timers = {};

  function showStep(step) {
    requestForm.hidden = step !== 'request';
    verifyForm.hidden = step !== 'verify';
    approved.hidden = step !== 'approved';
    if (turnstileBox) turnstileBox.hidden = step === 'approved';
    root.dataset.step = step;
  }

  function render(text, tone) {
    message.textContent = text || '';
    message.dataset.tone = tone || 'info';
    message.hidden = !text;
  }

  function say(text, tone) {
    clearInterval(timers.message);
    render(text, tone);
  }

  function plural(count, one, many) {
    return count + ' ' + (count === 1 ? one : many);
  }

  function duration(seconds) {
    if (seconds < 90) return plural(seconds, 'second', 'seconds');
    const minutes = Math.ceil(seconds / 60);
    if (minutes < 90) return plural(minutes, 'minute', 'minutes');
    return plural(Math.ceil(minutes / 60), 'hour', 'hours');
  }

  function countdown(name, seconds, tick, done) {
    clearInterval(timers[name]);
    const deadline = Date.now() + Math.max(0, seconds) * 1000;
    const step = () => {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(timers[name]);
        done();
        return false;
      }
      tick(left);
      return true;
    };
    if (step()) timers[name] = setInterval(step, 250);
  }

  function stopCountdowns() {
    for (const name of Object.keys(timers)) clearInterval(timers[name]);
  }

  function startResendCountdown(seconds) {
    resendButton.disabled = true;
    countdown(
      'resend',
      seconds,
      (left) => {
        resendButton.textContent = 'Resend code in ' + left + ' s';
      },
      () => {
        resendButton.disabled = false;
        resendButton.textContent = 'Resend code';
      },
    );
  }

  function explain(error) {
    const wait = typeof error.retryAfterSeconds === 'number' ? error.retryAfterSeconds : 0;
    const later = (sentence) => {
      if (!wait) return say(sentence + ' Please try again later.', 'error');
      countdown(
        'message',
        wait,
        (left) => render(sentence + ' You can try again in ' + duration(left) + '.', 'error'),
        () => render(sentence + ' You can try again now.', 'info'),
      );
    };
    switch (error.code) {
      case 'invalid_phone':
        return say(
          'That does not look like a phone number we can use. Type it in international format: + then the country code, for example +1 415 555 2671.',
          'error',
        );
      case 'invalid_code': {
        const left = error.attemptsRemaining;
        if (typeof left !== 'number') return say('That code is not correct. Check the SMS and try again.', 'error');
        if (left <= 0) return say('That code is not correct, and it was the last attempt for it. Request a new code.', 'error');
        return say('That code is not correct. ' + plural(left, 'attempt', 'attempts') + ' left.', 'error');
      }
      case 'code_expired':
        return say('This code has expired or was already used. Request a new one.', 'error');
      case 'resend_too_soon':
        return later('A code was sent to this number a moment ago.');
      case 'too_many_attempts':
        return later('Too many wrong codes for this number.');
      case 'rate_limited':
        return later('Too many requests right now.');
      case 'country_not_allowed':
        return say('Sorry, we cannot send codes to numbers in this country.', 'error');
      case 'unsupported_number':
        return say(
          'This number cannot receive codes by SMS (landlines, pagers and some virtual numbers cannot). Try a mobile number.',
          'error',
        );
      case 'captcha_failed':
        return say('The "are you human" check did not pass. Complete it again, then retry.', 'error');
      case 'unavailable':
        return later('The service is busy or briefly unavailable.');
      case 'sms_failed':
        return say('We could not send an SMS to this number. Check the number, or try another one.', 'error');
      case 'network':
        return say('Could not reach the server. Check your connection and try again.', 'error');
      default:
        return say(error.message || 'Something went wrong.', 'error');
    }
  }

  async function callApi(path, body) {
    let response;
    try {
      response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      return { ok: false, error: { code: 'network' } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (response.ok && data) return { ok: true, data };
    if (data && data.error && typeof data.error.code === 'string') return { ok: false, error: data.error };
    return { ok: false, error: { code: 'http_' + response.status, message: 'The server answered ' + response.status + '.' } };
  }

  function setBusy(button, busyText) {
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

  function resetTurnstile() {
    turnstileToken = '';
    if (window.turnstile && widgetId !== undefined) window.turnstile.reset(widgetId);
  }

  async function requestCode(button, busyText) {
    const body = { phone };
    if (siteKey) {
      if (!turnstileToken) return say('Please complete the "are you human" check first.', 'error');
      body.turnstileToken = turnstileToken;
    }
    const idle = setBusy(button, busyText);
    const result = await callApi('/otp/request', body);
    idle();
    if (siteKey) resetTurnstile();
    if (result.ok) {
      enterVerifyStep(result.data.resendAfterSeconds);
      say('We sent a code to ' + phone + '. It expires in ' + duration(result.data.expiresInSeconds) + '.', 'info');
      return;
    }
    if (result.error.code === 'resend_too_soon' && root.dataset.step === 'request') {
      enterVerifyStep(result.error.retryAfterSeconds || 0);
      say('A code was already sent to this number. Enter it below, or request a new one when the timer runs out.', 'info');
      return;
    }
    if (result.error.code === 'resend_too_soon') startResendCountdown(result.error.retryAfterSeconds || 0);
    explain(result.error);
  }

  function enterVerifyStep(resendAfterSeconds) {
    byId('sent-to').textContent = phone;
    codeInput.value = '';
    showStep('verify');
    startResendCountdown(resendAfterSeconds || 0);
    codeInput.focus();
    listenForSmsCode();
  }

  function listenForSmsCode() {
    stopListening();
    if (!('OTPCredential' in window) || !navigator.credentials) return;
    webOtp = new AbortController();
    navigator.credentials
      .get({ otp: { transport: ['sms'] }, signal: webOtp.signal })
      .then((credential) => {
        if (credential && credential.code && root.dataset.step === 'verify') {
          codeInput.value = credential.code;
          verifyCode(credential.code);
        }
      })
      .catch(() => undefined);
  }

  function stopListening() {
    if (webOtp) webOtp.abort();
    webOtp = undefined;
  }

  async function verifyCode(code) {
    stopListening();
    const idle = setBusy(verifyButton, 'Checking…');
    const result = await callApi('/otp/verify', { phone, code });
    idle();
    if (result.ok) return showReceipt(result.data.receipt);
    explain(result.error);
    codeInput.select();
  }

  function decodeJwtPayload(token) {
    const part = token.split('.')[1] || '';
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  function timeClaim(seconds) {
    if (typeof seconds !== 'number') return '(missing)';
    return new Date(seconds * 1000).toLocaleString() + ' (' + seconds + ')';
  }

  function showReceipt(token) {
    stopCountdowns();
    let claims;
    try {
      claims = decodeJwtPayload(token);
    } catch {
      claims = {};
    }
    const rows = [
      ['sub', claims.sub === undefined ? '(missing)' : String(claims.sub)],
      ['iat', timeClaim(claims.iat)],
      ['exp', timeClaim(claims.exp)],
      ['iss', claims.iss === undefined ? '(missing)' : String(claims.iss)],
    ];
    if (claims.aud !== undefined) rows.push(['aud', String(claims.aud)]);
    const list = byId('claims');
    list.replaceChildren();
    for (const [name, value] of rows) {
      const term = document.createElement('dt');
      term.textContent = name;
      const detail = document.createElement('dd');
      detail.textContent = value;
      detail.dataset.claim = name;
      list.append(term, detail);
    }
    byId('receipt-token').textContent = token;
    showStep('approved');
    say('Your backend checks this receipt with the keys at /.well-known/jwks.json before trusting it.', 'ok');
  }

  requestForm.addEventListener('submit', (event) => {
    event.preventDefault();
    phone = phoneInput.value.trim();
    if (!phone) return say('Type a phone number first.', 'error');
    say('');
    requestCode(sendButton, 'Sending…');
  });

  verifyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = codeInput.value.trim();
    if (!new RegExp('^[0-9]{' + otpLength + '}$').test(code)) {
      return say('The code has ' + otpLength + ' digits.', 'error');
    }
    verifyCode(code);
  });

  codeInput.addEventListener('input', () => {
    const digits = codeInput.value.replace(/[^0-9]/g, '').slice(0, otpLength);
    if (digits !== codeInput.value) codeInput.value = digits;
  });

  resendButton.addEventListener('click', () => {
    say('');
    requestCode(resendButton, 'Sending…');
  });

  function startOver() {
    stopListening();
    stopCountdowns();
    say('');
    showStep('request');
    phoneInput.focus();
  }
  byId('change-number').addEventListener('click', startOver);
  byId('start-over').addEventListener('click', startOver);

  if (siteKey) {
    window.otpDemoTurnstileReady = () => {
      widgetId = window.turnstile.render('#turnstile', {
        sitekey: siteKey,
        action: turnstileAction || undefined,
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
})();
`;
