/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and sums where the process spent its time within a
 * window: the functions with the most self time, the same per source area (engine, codecs, ws,
 * Node's internals…), and the shares of garbage collection and idle time.
 */

/** One node of V8's profile tree, as `--cpu-prof` writes it (only what is read here). */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

/** A `.cpuprofile` file's content (only what is read here). */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  /** Microseconds on the machine's monotonic clock (the clock of `process.hrtime`). */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one function or area, in ms and as a share of busy time. */
export interface SelfTime {
  readonly name: string;
  readonly selfMs: number;
  /** Of busy (non-idle) time, 0 to 1. */
  readonly share: number;
}

/** What a profile says about a window. */
export interface CpuProfileSummary {
  /** Wall time the window's samples cover. */
  readonly sampledMs: number;
  /** Time the process was running JavaScript, the garbage collector or Node/V8 itself. */
  readonly busyMs: number;
  /** Garbage collection, as a share of busy time. */
  readonly gcShare: number;
  /** Time V8 attributes to no JavaScript function (native work, the event loop's own code), as a share of busy time. */
  readonly programShare: number;
  readonly topFunctions: readonly SelfTime[];
  readonly topAreas: readonly SelfTime[];
}

/** A window on the profile's clock, in microseconds; samples outside it are left out. */
export interface ProfileWindow {
  readonly startUs: number;
  readonly endUs: number;
}

/** True for what parses as a `.cpuprofile`. */
export function isCpuProfile(value: unknown): value is CpuProfile {
  if (typeof value !== 'object' || value === null) return false;
  const profile = value as Partial<CpuProfile>;
  return Array.isArray(profile.nodes) && Array.isArray(profile.samples) && Array.isArray(profile.timeDeltas) && typeof profile.startTime === 'number';
}

/** callwire's top folders, which name a frame's area and where its short path starts. */
const TOP_FOLDERS = 'engine|actors|codecs|bots|bench|web';
/** Everything before `dist/` or a top folder: the checkout's own path. */
const CHECKOUT_PATH = new RegExp(`^.*?/(dist/|(?=(?:${TOP_FOLDERS})/))`);
/** The top folder of a path inside the checkout, from source or from `dist/`. */
const TOP_FOLDER = new RegExp(`/(?:dist/)?(${TOP_FOLDERS})/`);

/** `file:line` of a frame, with the checkout's path (up to `dist/` or the top folder) taken off. */
function location(url: string, line: number): string {
  if (url === '') return '';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  const short = modules >= 0 ? path.slice(modules + 1) : path.replace(CHECKOUT_PATH, '$1');
  return `${short}:${line + 1}`;
}

/** The area a frame's code belongs to: a package, a top folder of callwire, Node itself. */
export function areaOf(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return (rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]) ?? '(native)';
  }
  const folder = TOP_FOLDER.exec(url);
  return folder === null ? 'other' : `${folder[1]}/`;
}

/** Names V8 gives samples that are no JavaScript function. */
const IDLE = '(idle)';
const GC = '(garbage collector)';
const PROGRAM = '(program)';

/**
 * Sums `profile` over `window` (the whole profile when absent): each sample counts for the time to
 * the next one, as DevTools does. Returns the `top` functions and areas by self time.
 */
export function summarizeCpuProfile(profile: CpuProfile, window?: ProfileWindow, top = 20): CpuProfileSummary {
  const frames = new Map<number, ProfileNode['callFrame']>();
  for (const node of profile.nodes) frames.set(node.id, node.callFrame);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let sampledUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  let programUs = 0;
  let time = profile.startTime;
  const count = Math.min(profile.samples.length, profile.timeDeltas.length);
  for (let i = 0; i < count; i++) {
    time += profile.timeDeltas[i] as number;
    const next = i + 1 < count ? (profile.timeDeltas[i + 1] as number) : 0;
    if (window !== undefined && (time < window.startUs || time >= window.endUs)) continue;
    const frame = frames.get(profile.samples[i] as number);
    if (frame === undefined || next <= 0) continue;
    sampledUs += next;
    const name = frame.functionName;
    if (name === IDLE) {
      idleUs += next;
      continue;
    }
    if (name === GC) gcUs += next;
    else if (name === PROGRAM) programUs += next;
    const key = name.startsWith('(') ? name : `${name === '' ? '(anonymous)' : name} ${location(frame.url, frame.lineNumber)}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + next);
    const area = name.startsWith('(') ? name : areaOf(frame.url);
    byArea.set(area, (byArea.get(area) ?? 0) + next);
  }
  const busyUs = sampledUs - idleUs;
  const ranked = (totals: Map<string, number>): SelfTime[] =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return {
    sampledMs: sampledUs / 1000,
    busyMs: busyUs / 1000,
    gcShare: busyUs > 0 ? gcUs / busyUs : 0,
    programShare: busyUs > 0 ? programUs / busyUs : 0,
    topFunctions: ranked(byFunction),
    topAreas: ranked(byArea),
  };
}
