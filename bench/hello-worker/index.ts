/** The smallest Worker: the baseline `npm run bench` subtracts (bench/hello-worker/wrangler.toml). */
export default {
  fetch(): Response {
    return Response.json({ status: 'ok' });
  },
};
