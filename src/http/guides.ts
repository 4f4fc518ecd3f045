/**
 * Where the prose guides are. Named as paths in the source repository, not links: a deployed
 * Worker serves neither the repository nor the Markdown, and does not know where its source is
 * hosted (test/local/doc-examples.test.ts checks each path exists).
 */
export const GUIDES =
  'Guides, in the otp-edge source repository (not served by this Worker): `README.md` (from a clone to a verified code and a deploy), `docs/api.md` (endpoints, errors, callers, receipts and how to verify one), `docs/channels.md`, `docs/configuration.md`, `docs/abuse-defense.md`, `docs/deploy.md`.';
