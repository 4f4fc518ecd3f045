/**
 * The smallest Worker: the baseline `npm run bench` subtracts (bench/hello-worker/wrangler.toml).
 *
 * `GET /io?calls=N` (lean harness only, which binds STORE_URL and STORE_TOKEN) also makes N
 * sequential subrequests to the store's REST server (`PING`) before answering: the runtime's own
 * cost of a request's I/O (an HTTP client call, its JSON answer), which otp-edge's verify (one
 * round trip) and request (store and provider) cannot avoid. Subtracting it leaves otp-edge's code.
 */
interface HelloEnv {
  STORE_URL?: string;
  STORE_TOKEN?: string;
}

export default {
  async fetch(request: Request, env: HelloEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/io' && env.STORE_URL) {
      const calls = Number(url.searchParams.get('calls') ?? '1');
      for (let call = 0; call < calls; call++) {
        const answer = await fetch(env.STORE_URL, {
          method: 'POST',
          headers: { authorization: `Bearer ${env.STORE_TOKEN ?? ''}`, 'content-type': 'application/json' },
          body: '["PING"]',
        });
        await answer.json();
      }
    }
    return Response.json({ status: 'ok' });
  },
};
