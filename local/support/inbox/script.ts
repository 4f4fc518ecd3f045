// The inbox page's script (page.ts): plain browser JavaScript, no build step. Every 2 s it polls
// /__sandbox/messages and /__sandbox/calls and, when anything changed, fetches the list again and
// adopts its already-escaped #inbox: one rendering path, on the server, and the script never turns
// message text into HTML. Its buttons clear the inbox and, where offered, reset the local limits.

export interface InboxScriptOptions {
  /** The field of the JSON lists that holds an item's id: `sid` (Twilio), `uuid` (Plivo). */
  idField: 'sid' | 'uuid';
  /** Where the fresh list comes from: the whole page (`/`) or the list alone (`/?part=inbox`). */
  refreshFrom: '/' | '/?part=inbox';
}

export function inboxScript(options: InboxScriptOptions): string {
  return `
(() => {
  let fingerprint = document.body.dataset.fingerprint;
  const seen = new Set(Array.from(document.querySelectorAll('.item'), (item) => item.dataset.id));
  const live = document.getElementById('live');

  function localizeTimes() {
    for (const time of document.querySelectorAll('time[datetime]')) {
      time.textContent = new Date(time.dateTime).toLocaleTimeString();
    }
  }

  async function refresh() {
    const part = await fetch('${options.refreshFrom}', { cache: 'no-store' });
    const next = new DOMParser().parseFromString(await part.text(), 'text/html');
    const inbox = next.getElementById('inbox');
    if (!inbox) return;
    document.getElementById('inbox').replaceWith(document.adoptNode(inbox));
    document.title = inbox.dataset.title;
    fingerprint = inbox.dataset.fingerprint;
    for (const item of document.querySelectorAll('.item')) {
      if (!seen.has(item.dataset.id)) item.classList.add('arrived');
      seen.add(item.dataset.id);
    }
    localizeTimes();
  }

  async function poll() {
    try {
      const [messages, calls] = await Promise.all(
        [fetch('/__sandbox/messages', { cache: 'no-store' }), fetch('/__sandbox/calls', { cache: 'no-store' })].map(
          async (request) => {
            const response = await request;
            if (!response.ok) throw new Error('HTTP ' + response.status);
            return response.json();
          },
        ),
      );
      const part = (items) => items.map((item) => item.${options.idField} + ':' + item.status).join(',');
      const current = part(messages) + '|' + part(calls);
      if (current !== fingerprint) await refresh();
      live.textContent = 'live';
      live.classList.remove('offline');
    } catch {
      live.textContent = 'sandbox unreachable';
      live.classList.add('offline');
    }
  }

  const result = document.getElementById('action-result');
  const reset = document.getElementById('reset-limits');
  if (reset) {
    reset.addEventListener('click', async () => {
      reset.disabled = true;
      try {
        const response = await fetch('/__sandbox/limits/reset', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        const body = await response.json();
        result.textContent = response.ok
          ? 'Local limits reset (' + body.deleted + ' keys deleted): send and verify as if for the first time.'
          : 'Reset failed: ' + body.error;
      } catch {
        result.textContent = 'Reset failed: the sandbox is unreachable.';
      } finally {
        reset.disabled = false;
      }
    });
  }

  document.getElementById('clear').addEventListener('click', async () => {
    await Promise.all(
      ['/__sandbox/messages', '/__sandbox/calls'].map((path) =>
        fetch(path, { method: 'DELETE' }).catch(() => undefined),
      ),
    );
    await poll();
  });

  localizeTimes();
  setInterval(poll, 2000);
})();
`;
}
