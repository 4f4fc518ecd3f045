/**
 * The lean harness: the production bundle (bench/lean/build-bundle.ts) and the hello-world Worker in
 * one workerd process, started through Miniflare's API, each behind its own direct socket
 * (`unsafeDirectSockets`): a request goes from the client straight into the Worker, with no
 * `wrangler dev` proxy and no Miniflare entry worker in between. What workerd spends per request on
 * top of the hello-world Worker is otp-edge's own code.
 */
import path from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { processTree, threadCpuNs } from '../process-tree.ts';
import type { BuiltWorker } from './build-bundle.ts';
import { compatibility } from './wrangler-vars.ts';

export interface LeanWorkers {
  otpEdgeUrl: string;
  /** The baseline build's (`baseline`), when one was given. */
  baselineUrl: string | undefined;
  helloUrl: string;
  /** workerd's process id (both Workers run in it). */
  pid: number;
  /** CPU time (ns, every thread, user + system) workerd has used so far: /proc schedstat. */
  cpuNs(): number;
  /** The Worker's JSON log lines (console.log/error), as workerd printed them. */
  logLines: string[];
  stop(): Promise<void>;
}

export interface LeanWorkersOptions {
  otpEdge: BuiltWorker;
  /** Another build of otp-edge (an older commit), run beside it with the same bindings. */
  baseline?: BuiltWorker | undefined;
  hello: BuiltWorker;
  /** otp-edge's vars and secrets, all as plain text bindings. */
  bindings: Record<string, string>;
  /** The baseline build's, when they differ (bench:regions runs one build twice, configured apart). */
  baselineBindings?: Record<string, string> | undefined;
  /** The hello-world Worker's: where its `/io` subrequests go. */
  helloBindings: Record<string, string>;
  /** Opens workerd's V8 inspector here (for a CPU profile). */
  inspectorPort?: number;
}

export async function startLeanWorkers(options: LeanWorkersOptions): Promise<LeanWorkers> {
  const logLines: string[] = [];
  const compatible = compatibility();
  const worker = (name: string, built: BuiltWorker) => ({
    name,
    scriptPath: built.scriptPath,
    modules: true,
    // The bundle lives in a temp dir; module names are relative to it.
    modulesRoot: path.dirname(built.scriptPath),
    ...compatible,
    unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
  });
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        { ...worker('otp-edge', options.otpEdge), bindings: options.bindings },
        { ...worker('hello', options.hello), bindings: options.helloBindings },
        ...(options.baseline
          ? [
              {
                ...worker('otp-edge-baseline', options.baseline),
                bindings: options.baselineBindings ?? options.bindings,
              },
            ]
          : []),
      ],
      ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
      handleStructuredLogs: (log) => {
        logLines.push(log.message);
      },
    }),
  );
  await miniflare.ready;
  const otpEdgeUrl = (await miniflare.unsafeGetDirectURL('otp-edge')).href.replace(/\/$/, '');
  const helloUrl = (await miniflare.unsafeGetDirectURL('hello')).href.replace(/\/$/, '');
  const baselineUrl = options.baseline
    ? (await miniflare.unsafeGetDirectURL('otp-edge-baseline')).href.replace(/\/$/, '')
    : undefined;
  const workerd = processTree(process.pid).find((child) => child.name === 'workerd');
  if (!workerd) {
    await miniflare.dispose();
    throw new Error('lean harness: no workerd process below this one (Linux /proc only)');
  }
  return {
    otpEdgeUrl,
    baselineUrl,
    helloUrl,
    pid: workerd.pid,
    cpuNs: () => threadCpuNs(workerd.pid),
    logLines,
    stop: () => miniflare.dispose(),
  };
}
