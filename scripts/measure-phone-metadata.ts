/**
 * Measures what each libphonenumber-js metadata entry costs in the Worker bundle and how well it
 * refuses numbers that cannot receive SMS or cost extra (docs/phone-metadata.md has the results).
 *
 *   node scripts/measure-phone-metadata.ts                     # samples drawn from the metadata itself
 *   node scripts/measure-phone-metadata.ts --google-xml FILE   # Google's example numbers instead
 *
 * libphonenumber-js ships example numbers for mobiles only, so by default the non-mobile numbers are
 * drawn at random (fixed seed, so every run prints the same table) from the number-type patterns of
 * the full (`max`) metadata and labelled with the kind `max` gives them. `max` is therefore the
 * reference, and the table shows what the smaller entries lose against it. With --google-xml, the
 * one example number per country and kind in Google's resources/PhoneNumberMetadata.xml is used.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import type { PhoneNumber, PhoneNumberType } from 'libphonenumber-js';
import { getExampleNumber, parsePhoneNumberFromString as parseWithMax } from 'libphonenumber-js/max';
import maxMetadata from 'libphonenumber-js/max/metadata';
import { parsePhoneNumberFromString as parseWithMin } from 'libphonenumber-js/min';
import { parsePhoneNumberFromString as parseWithMobile } from 'libphonenumber-js/mobile';
import mobileExamples from 'libphonenumber-js/mobile/examples';

type MetadataEntry = 'min' | 'max' | 'mobile';

interface Option {
  label: string;
  /** The entry `src/phone/parse-phone.ts` imports. */
  parse: MetadataEntry;
  /** The entry `src/phone/number-kind.ts` imports. */
  classify: MetadataEntry;
}

const OPTIONS: readonly Option[] = [
  { label: '`/min` for both', parse: 'min', classify: 'min' },
  { label: '`/max` for both', parse: 'max', classify: 'max' },
  { label: '`/mobile` for both', parse: 'mobile', classify: 'mobile' },
  { label: '`/min` parse + `/max` classify', parse: 'min', classify: 'max' },
  { label: '`/min` parse + `/mobile` classify', parse: 'min', classify: 'mobile' },
];

const PARSERS: Record<MetadataEntry, (e164: string) => PhoneNumber | undefined> = {
  min: (e164) => parseWithMin(e164, { extract: false }),
  max: (e164) => parseWithMax(e164, { extract: false }),
  mobile: (e164) => parseWithMobile(e164, { extract: false }),
};

const MOBILE_CAPABLE: ReadonlySet<PhoneNumberType> = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// ---- Bundle size ------------------------------------------------------------------------------

// The smallest Worker that uses both functions, so the bundle holds them and the metadata only.
const WORKER_ENTRY = `
import { parsePhone } from './src/phone/parse-phone.ts';
import { classifyNumberKind } from './src/phone/number-kind.ts';
export default {
  fetch(request) {
    const parsed = parsePhone(new URL(request.url).searchParams.get('to') ?? '');
    return Response.json(parsed.ok ? { ...parsed, ...classifyNumberKind(parsed.e164) } : parsed);
  },
};`;

/** Points each source file's `libphonenumber-js/<entry>` import at the entry the option names. */
function metadataEntryPlugin(option: Option): Plugin {
  return {
    name: 'metadata-entry',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^libphonenumber-js\/(min|max|mobile)$/ }, (args) => {
        const entry = args.importer.endsWith('parse-phone.ts') ? option.parse : option.classify;
        return { path: fileURLToPath(import.meta.resolve(`libphonenumber-js/${entry}`)) };
      });
    },
  };
}

async function bundleSize(option: Option): Promise<{ minified: number; gzip: number }> {
  const result = await build({
    stdin: { contents: WORKER_ENTRY, resolveDir: repoRoot, sourcefile: 'worker.ts', loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'error',
    plugins: [metadataEntryPlugin(option)],
  });
  const code = result.outputFiles[0]?.contents;
  if (code === undefined) throw new Error(`esbuild produced no output for ${option.label}`);
  return { minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

// ---- Sample numbers ---------------------------------------------------------------------------

interface Sample {
  e164: string;
  /** What the number really is: Google's label, or the full metadata's verdict for drawn samples. */
  kind: PhoneNumberType;
}

const TYPES_INDEX = 11;
const SAMPLES_PER_TYPE = 5;

/** mulberry32: a seeded generator, so the drawn numbers and the table are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The metadata's number patterns use only digits, \d, [classes], (?:groups), | and {n}/{n,m}/?,
// so a tiny parser is enough to draw strings that match them.
type Node =
  | { kind: 'digits'; choices: string }
  | { kind: 'alternatives'; options: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

function parsePattern(pattern: string): Node {
  let at = 0;
  const fail = (): never => {
    throw new Error(`unsupported pattern at ${at}: ${pattern}`);
  };
  const alternatives = (): Node => {
    const options: Node[][] = [[]];
    while (at < pattern.length && pattern[at] !== ')') {
      if (pattern[at] === '|') {
        at += 1;
        options.push([]);
        continue;
      }
      options[options.length - 1]?.push(quantified(atom()));
    }
    return { kind: 'alternatives', options };
  };
  const atom = (): Node => {
    const char = pattern[at];
    if (char === '\\' && pattern[at + 1] === 'd') {
      at += 2;
      return { kind: 'digits', choices: '0123456789' };
    }
    if (char === '[') {
      const end = pattern.indexOf(']', at);
      if (end < 0) fail();
      const body = pattern.slice(at + 1, end);
      at = end + 1;
      return {
        kind: 'digits',
        choices: body.replace(/(\d)-(\d)/g, (_, a: string, b: string) => range(a, b)),
      };
    }
    if (pattern.startsWith('(?:', at)) {
      at += 3;
      const group = alternatives();
      if (pattern[at] !== ')') fail();
      at += 1;
      return group;
    }
    if (char !== undefined && /\d/.test(char)) {
      at += 1;
      return { kind: 'digits', choices: char };
    }
    return fail();
  };
  const quantified = (node: Node): Node => {
    if (pattern[at] === '?') {
      at += 1;
      return { kind: 'repeat', node, min: 0, max: 1 };
    }
    const bounds = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(at));
    if (bounds === null) return node;
    at += bounds[0].length;
    const min = Number(bounds[1]);
    return { kind: 'repeat', node, min, max: bounds[2] === undefined ? min : Number(bounds[2]) };
  };
  const tree = alternatives();
  if (at !== pattern.length) fail();
  return tree;
}

function range(from: string, to: string): string {
  let digits = '';
  for (let digit = Number(from); digit <= Number(to); digit += 1) digits += String(digit);
  return digits;
}

function draw(node: Node, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error('empty choice');
    return item;
  };
  switch (node.kind) {
    case 'digits':
      return pick([...node.choices]);
    case 'alternatives':
      return pick(node.options)
        .map((child) => draw(child, random))
        .join('');
    case 'repeat': {
      let text = '';
      const times = node.min + Math.floor(random() * (node.max - node.min + 1));
      for (let i = 0; i < times; i += 1) text += draw(node.node, random);
      return text;
    }
  }
}

interface NumberingPlanView {
  callingCode: string;
  possibleLengths: readonly number[];
  types: readonly unknown[];
}

/** The few fields of a compressed numbering plan this script reads; undefined when it has no types. */
function viewPlan(plan: unknown): NumberingPlanView | undefined {
  if (!Array.isArray(plan)) return undefined;
  const [callingCode, , , possibleLengths] = plan;
  const types: unknown = plan[TYPES_INDEX];
  if (typeof callingCode !== 'string' || !Array.isArray(possibleLengths) || !Array.isArray(types)) {
    return undefined;
  }
  return { callingCode, possibleLengths: possibleLengths.filter(isNumber), types };
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

function drawSamplesFromMaxMetadata(): { samples: Sample[]; source: string } {
  const plans: unknown[] = [
    ...Object.values(maxMetadata.countries),
    ...Object.values(maxMetadata.nonGeographic),
  ];
  const random = seededRandom(20261122);
  const byNumber = new Map<string, Sample>();
  for (const plan of plans) {
    const view = viewPlan(plan);
    if (view === undefined) continue;
    for (const type of view.types) {
      if (!Array.isArray(type) || typeof type[0] !== 'string' || type[0] === '') continue;
      const lengths: readonly number[] = Array.isArray(type[1])
        ? type[1].filter(isNumber)
        : view.possibleLengths;
      const tree = parsePattern(type[0]);
      for (let sample = 0; sample < SAMPLES_PER_TYPE; sample += 1) {
        for (let attempt = 0; attempt < 200; attempt += 1) {
          const national = draw(tree, random);
          if (!lengths.includes(national.length)) continue;
          const e164 = `+${view.callingCode}${national}`;
          // Labelled by the full metadata, which also settles overlaps between type patterns.
          const kind = PARSERS.max(e164)?.getType();
          if (kind !== undefined) byNumber.set(e164, { e164, kind });
          break;
        }
      }
    }
  }
  // Google's own mobile examples, the only examples the package ships.
  for (const country of Object.keys(mobileExamples) as (keyof typeof mobileExamples)[]) {
    const example = getExampleNumber(country, mobileExamples);
    if (example !== undefined) byNumber.set(example.number, { e164: example.number, kind: 'MOBILE' });
  }
  return {
    samples: [...byNumber.values()],
    source: `${SAMPLES_PER_TYPE} numbers drawn per country and kind from the \`max\` type patterns (seed 20261122) plus the ${Object.keys(mobileExamples).length} mobile examples the package ships`,
  };
}

const XML_KINDS: Record<string, PhoneNumberType> = {
  fixedLine: 'FIXED_LINE',
  mobile: 'MOBILE',
  tollFree: 'TOLL_FREE',
  premiumRate: 'PREMIUM_RATE',
  sharedCost: 'SHARED_COST',
  personalNumber: 'PERSONAL_NUMBER',
  voip: 'VOIP',
  pager: 'PAGER',
  uan: 'UAN',
  voicemail: 'VOICEMAIL',
};

function readGoogleExamples(path: string): { samples: Sample[]; source: string } {
  const xml = readFileSync(path, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const samples: Sample[] = [];
  for (const territory of xml.matchAll(/<territory\b([^>]*)>([\s\S]*?)<\/territory>/g)) {
    const callingCode = /countryCode="(\d+)"/.exec(territory[1] ?? '')?.[1];
    if (callingCode === undefined) continue;
    // <fixedLine> <possibleLengths .../> <exampleNumber>...: the kind is the element around the example.
    for (const example of (territory[2] ?? '').matchAll(
      /<(\w+)>\s*(?:<possibleLengths[^>]*>\s*)?<exampleNumber>(\d+)</g,
    )) {
      const kind = XML_KINDS[example[1] ?? ''];
      if (kind === undefined) continue;
      const e164 = `+${callingCode}${example[2]}`;
      // Where fixed-line and mobile ranges are the same (the US), no metadata can tell them apart.
      const fullVerdict = PARSERS.max(e164)?.getType();
      samples.push({ e164, kind: fullVerdict === 'FIXED_LINE_OR_MOBILE' ? fullVerdict : kind });
    }
  }
  return { samples, source: `the ${samples.length} example numbers in ${path}` };
}

// ---- Blocking ---------------------------------------------------------------------------------

/** Whether the two functions, built with the option's entries, would end up refusing the number. */
function refuses(option: Option, e164: string): boolean {
  if (!PARSERS[option.parse](e164)?.isValid()) return true;
  const kind = PARSERS[option.classify](e164)?.getType();
  // The mobile-only metadata knows no other kind: anything it does not call MOBILE is not one.
  if (option.classify === 'mobile') return kind !== 'MOBILE';
  return kind !== undefined && !MOBILE_CAPABLE.has(kind);
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)} %`;
}

async function main(): Promise<void> {
  const xmlFlag = process.argv.indexOf('--google-xml');
  const xmlPath = xmlFlag >= 0 ? process.argv[xmlFlag + 1] : undefined;
  const { samples, source } =
    xmlPath === undefined ? drawSamplesFromMaxMetadata() : readGoogleExamples(xmlPath);
  const nonMobile = samples.filter((sample) => !MOBILE_CAPABLE.has(sample.kind));
  const mobile = samples.filter((sample) => MOBILE_CAPABLE.has(sample.kind));
  const either = mobile.filter((sample) => sample.kind === 'FIXED_LINE_OR_MOBILE').length;

  console.log(`Samples: ${source}.`);
  console.log(
    `${nonMobile.length} non-mobile; ${mobile.length} mobile, ${either} of them FIXED_LINE_OR_MOBILE (ranges no metadata can split, allowed by policy).\n`,
  );
  console.log('| option | minified bytes | gzip -9 bytes | non-mobile refused | mobile wrongly refused |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const wronglyRefused = new Map<string, Sample[]>();
  const letThrough = new Map<string, Sample[]>();
  for (const option of OPTIONS) {
    const size = await bundleSize(option);
    const allowedNonMobile = nonMobile.filter((sample) => !refuses(option, sample.e164));
    const refusedNonMobile = nonMobile.length - allowedNonMobile.length;
    // Listed only when few: those are the interesting misses, not a whole class the entry cannot see.
    if (allowedNonMobile.length > 0 && allowedNonMobile.length <= 10)
      letThrough.set(option.label, allowedNonMobile);
    const refusedMobile = mobile.filter((sample) => refuses(option, sample.e164));
    if (refusedMobile.length > 0) wronglyRefused.set(option.label, refusedMobile);
    console.log(
      `| ${option.label} | ${size.minified} | ${size.gzip} | ${refusedNonMobile} / ${nonMobile.length} (${percent(refusedNonMobile, nonMobile.length)}) | ${refusedMobile.length} / ${mobile.length} (${percent(refusedMobile.length, mobile.length)}) |`,
    );
  }

  console.log('\nNon-mobile numbers refused, by kind (one entry for both functions):\n');
  const kinds = [...new Set(nonMobile.map((sample) => sample.kind))].sort();
  const entries: readonly MetadataEntry[] = ['min', 'max', 'mobile'];
  console.log(`| kind | samples | ${entries.map((entry) => `\`/${entry}\``).join(' | ')} |`);
  console.log(`| --- | ---: | ${entries.map(() => '---:').join(' | ')} |`);
  for (const kind of kinds) {
    const ofKind = nonMobile.filter((sample) => sample.kind === kind);
    const cells = entries.map((entry) => {
      const option = { label: entry, parse: entry, classify: entry };
      return String(ofKind.filter((sample) => refuses(option, sample.e164)).length);
    });
    console.log(`| ${kind} | ${ofKind.length} | ${cells.join(' | ')} |`);
  }

  const describe = (list: readonly Sample[]) =>
    list.map((sample) => `${sample.e164} (${sample.kind})`).join(', ');
  for (const [label, list] of wronglyRefused)
    console.log(`\nMobile numbers ${label} refuses: ${describe(list)}`);
  for (const [label, list] of letThrough)
    console.log(`\nNon-mobile numbers ${label} lets through: ${describe(list)}`);
}

await main();
