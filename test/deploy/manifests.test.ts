/**
 * The container and Kubernetes files in deploy/, checked against the engine they deploy: the
 * configuration and environment they give load with the engine's own loader, the command lines
 * parse with `callwire serve`'s flags, the probe paths answer on a real engine (readiness going
 * unready on drain), and the stop deadlines outlast the engine's drain. Nothing here needs Docker
 * or a cluster.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { SERVE_USAGE } from '../../engine/commands/serveCommand.js';
import { loadConfig, type EngineConfig } from '../../engine/config.js';
import { EMBEDDED_CONFIG } from '../../engine/shippedBots.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { startTestEngine } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const KUBERNETES = join(DEPLOY, 'kubernetes');

const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

function text(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Loads `configJson` and `env` the way `callwire serve` would, from a scratch folder. */
async function engineConfig(configJson: string, env: Record<string, string>): Promise<EngineConfig> {
  const dir = await mkdtemp(join(tmpdir(), 'callwire-deploy-'));
  scratch.push(dir);
  const path = join(dir, 'callwire.config.json');
  await writeFile(path, configJson);
  return loadConfig({ cwd: dir, env: { ...env, CALLWIRE_CONFIG: path } });
}

/** `callwire serve`'s flags, read from its usage line, as `parseArgs` options. */
function serveFlags(): Record<string, { type: 'string' | 'boolean' }> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [, name, value] of SERVE_USAGE.matchAll(/\[--([a-z-]+)( [A-Z]+)?\]/g)) options[name!] = { type: value === undefined ? 'boolean' : 'string' };
  return options;
}

/** Parses `argv` (after `serve`) with the serve command's flags; throws on an unknown one. */
function serveArguments(argv: string[]): Record<string, string | boolean | undefined> {
  return parseArgs({ args: argv, options: serveFlags(), strict: true }).values;
}

/** `${NAME}`, `${NAME:-default}` and `${NAME:?message}` as Compose interpolates them, from `env`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind: string | undefined, fallback: string | undefined) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (kind === '?') throw new Error(`${name} must be set: ${fallback}`);
    return kind === '-' ? (fallback ?? '') : '';
  });
}

/** Seconds in a Compose duration such as `3660s`, `1h1m` or `90`. */
function composeSeconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  if (/^\d+$/.test(duration)) return Number(duration);
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)([hms])/g)) total += Number(amount) * units[unit!]!;
  return total;
}

describe('deploy/Dockerfile', () => {
  const lines = text(join(DEPLOY, 'Dockerfile'))
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages = lines.reduce<string[][]>((all, line) => (line.startsWith('FROM ') ? [...all, [line]] : (all.at(-1)?.push(line), all)), []);
  const runtime = stages.at(-1)!;
  const instruction = (stage: string[], name: string): string[] => stage.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1).trim());

  it('builds in one stage and runs from another, as a user that is not root', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const user = instruction(runtime, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('compiles @discordjs/opus from source, with the tools node-gyp needs, in the build stage only', () => {
    const build = stages[0]!.join('\n');
    expect(build).toMatch(/apt-get install[^\n]*python3[^\n]*make[^\n]*g\+\+/);
    expect(build).toContain('npm rebuild @discordjs/opus --build-from-source');
    expect(runtime.join('\n')).not.toMatch(/apt-get install[^\n]*g\+\+/);
  });

  it('copies every folder the build compiles', () => {
    const { include } = JSON.parse(text(join(ROOT, 'tsconfig.build.json'))) as { include: string[] };
    const copied = instruction(stages[0]!, 'COPY').map((args) => args.split(/\s+/)[0]);
    for (const folder of include) expect(copied, folder).toContain(folder);
  });

  it('ships what the built engine reads beside dist/: package.json (the prompts are found from it) and bots/prompts', () => {
    const copied = instruction(runtime, 'COPY').map((args) => args.split(/\s+/).at(-1));
    expect(copied).toEqual(expect.arrayContaining(['./package.json', './node_modules', './dist', './bots/prompts']));
  });

  it('runs node itself as PID 1 (exec form, no npm, no shell, no entrypoint wrapper)', () => {
    expect(instruction(runtime, 'ENTRYPOINT')).toEqual([]);
    const command = JSON.parse(instruction(runtime, 'CMD').at(-1)!) as string[];
    expect(command.slice(0, 3)).toEqual(['node', 'dist/engine/cli.js', 'serve']);
    serveArguments(command.slice(3));
    expect(instruction(runtime, 'STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('checks /healthz on the port it exposes, which is the port the engine listens on', () => {
    const healthcheck = instruction(runtime, 'HEALTHCHECK').join(' ');
    expect(healthcheck).toContain('/healthz');
    expect(healthcheck).toContain('process.env.CALLWIRE_PORT');
    const port = /CALLWIRE_PORT=(\d+)/.exec(instruction(runtime, 'ENV').join(' '))?.[1];
    expect(instruction(runtime, 'EXPOSE')).toEqual([port]);
    expect(Number(port)).toBe(EMBEDDED_CONFIG.port);
  });

  it('leaves local state out of the build context', () => {
    const ignored = text(join(ROOT, '.dockerignore')).split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', 'callwire.config.*']));
  });
});

describe('deploy/docker-compose.yml', () => {
  const compose = parse(text(join(DEPLOY, 'docker-compose.yml')), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string>; expose?: string[]; volumes?: string[]; stop_grace_period?: string; networks?: Record<string, { ipv4_address?: string }>; image?: string }>;
  };
  const caddyfile = text(join(DEPLOY, 'Caddyfile'));
  const env = { CALLWIRE_DOMAIN: 'cw.example.com' };
  const engines = ['engine-a', 'engine-b'];

  it('runs two engines with a command `callwire serve` accepts, whose config file is mounted and loads', async () => {
    for (const name of engines) {
      const service = compose.services[name]!;
      expect(service.command!.slice(0, 3)).toEqual(['node', 'dist/engine/cli.js', 'serve']);
      const { config } = serveArguments(service.command!.slice(3));
      const mount = service.volumes!.map((volume) => volume.split(':')).find(([, target]) => target === config);
      expect(mount, `${name} mounts ${String(config)}`).toBeDefined();
      const environment = Object.fromEntries(Object.entries(service.environment!).map(([key, value]) => [key, interpolate(String(value), env)]));
      const loaded = await engineConfig(text(join(DEPLOY, mount![0]!)), environment);
      expect(loaded.port).toBe(Number(service.expose![0]));
      expect(loaded.trustedProxies).toEqual([compose.services['caddy']!.networks!['edge']!.ipv4_address]);
      expect(composeSeconds(service.stop_grace_period!)).toBeGreaterThan(loaded.limits.drainTimeoutMs / 1000);
    }
  });

  it('gives each engine its own public host, which Caddy routes to that engine alone', async () => {
    const hosts = [];
    for (const name of engines) {
      const publicUrl = new URL(interpolate(compose.services[name]!.environment!['CALLWIRE_PUBLIC_URL']!, env));
      hosts.push(publicUrl.host);
      const site = new RegExp(`^${publicUrl.host.replace(env.CALLWIRE_DOMAIN, '\\{\\$CALLWIRE_DOMAIN\\}').replace(/\./g, '\\.')} \\{\\n\\treverse_proxy (\\S+) \\{`, 'm').exec(caddyfile);
      expect(site?.[1], `Caddy site for ${publicUrl.host}`).toBe(`${name}:${compose.services[name]!.expose![0]}`);
    }
    expect(new Set(hosts).size).toBe(engines.length);
  });

  it('balances the shared host over both engines, taking a draining or full engine out by /readyz', () => {
    const shared = /^\{\$CALLWIRE_DOMAIN\} \{\n\treverse_proxy ([^{]+)\{([\s\S]*?)\n\t\}/m.exec(caddyfile);
    expect(shared?.[1]!.trim().split(/\s+/)).toEqual(engines.map((name) => `${name}:${compose.services[name]!.expose![0]}`));
    expect(shared?.[2]).toMatch(/health_uri \/readyz/);
  });

  it('runs a Redis that both engines share, reachable on the internal network only', async () => {
    const redis = compose.services['redis']!;
    expect(redis.image).toMatch(/^redis:/);
    expect(redis).not.toHaveProperty('ports');
    for (const name of engines) {
      const environment = Object.fromEntries(Object.entries(compose.services[name]!.environment!).map(([key, value]) => [key, interpolate(String(value), env)]));
      const loaded = await engineConfig(text(join(DEPLOY, 'callwire.config.json')), environment);
      const url = new URL(loaded.redis!.url);
      expect(url.hostname).toBe('redis');
      expect(url.port).toBe(redis.expose![0]);
    }
  });

  it('publishes only Caddy: the engines are reached through the TLS proxy', () => {
    for (const name of [...engines, 'redis']) expect(compose.services[name]).not.toHaveProperty('ports');
    expect(compose.services['caddy']!.image).toMatch(/^caddy:/);
  });
});

/** The parts of the Kubernetes manifests the checks below read. */
type Labels = Readonly<Record<string, string>>;
interface HttpProbe {
  readonly httpGet: { readonly path: string; readonly port: string };
}
interface EngineContainer {
  readonly command?: readonly string[];
  readonly ports: readonly { readonly name: string; readonly containerPort: number }[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string }[];
  readonly securityContext: Readonly<Record<string, unknown>>;
  readonly readinessProbe: HttpProbe;
  readonly livenessProbe: HttpProbe;
  readonly lifecycle: { readonly preStop: { readonly exec: { readonly command: readonly string[] } } };
}
interface Deployment {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly template: {
      readonly metadata: { readonly labels: Labels };
      readonly spec: {
        readonly terminationGracePeriodSeconds: number;
        readonly securityContext: { readonly runAsNonRoot?: boolean; readonly runAsUser?: number };
        readonly containers: readonly EngineContainer[];
      };
    };
  };
}
interface ConfigMap {
  readonly data: Readonly<Record<string, string>>;
}
interface Service {
  readonly spec: { readonly selector: Labels; readonly ports: readonly { readonly targetPort: string }[] };
}
interface PodDisruptionBudget {
  readonly spec: { readonly selector: { readonly matchLabels: Labels } };
}
interface HorizontalPodAutoscaler {
  readonly spec: {
    readonly scaleTargetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
    readonly minReplicas: number;
    readonly metrics: readonly { readonly resource: { readonly name: string } }[];
  };
}

describe('deploy/kubernetes', () => {
  const documents = readdirSync(KUBERNETES)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .flatMap((file) => parseAllDocuments(text(join(KUBERNETES, file))).map((document) => ({ file, resource: document.toJS() as { readonly kind: string } })));
  /** The one resource of `kind`, read as `T`. */
  function ofKind<T>(kind: string): T {
    const found = documents.find(({ resource }) => resource.kind === kind);
    if (found === undefined) throw new Error(`no ${kind} in deploy/kubernetes`);
    return found.resource as T;
  }
  const deployment = ofKind<Deployment>('Deployment');
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0]!;
  const containerEnv = Object.fromEntries(container.env.map(({ name, value }) => [name, value]));
  const portNames = container.ports.map(({ name }) => name);

  async function deployedConfig(): Promise<EngineConfig> {
    return engineConfig(ofKind<ConfigMap>('ConfigMap').data['callwire.config.json']!, { ...containerEnv, CALLWIRE_CONFIG: '' });
  }

  it('lists every manifest in kustomization.yaml', () => {
    const kustomization = parse(text(join(KUBERNETES, 'kustomization.yaml'))) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...new Set(documents.map(({ file }) => file))].sort());
  });

  it('runs as a user that is not root, with the image\'s own command', () => {
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.command).toBeUndefined();
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false });
  });

  it('mounts the ConfigMap where CALLWIRE_CONFIG points, and the configuration and environment load', async () => {
    const mount = container.volumeMounts.find(({ name }) => name === 'config')!;
    expect(containerEnv['CALLWIRE_CONFIG']).toBe(`${mount.mountPath}/callwire.config.json`);
    const config = await deployedConfig();
    expect(config.port).toBe(container.ports[0]!.containerPort);
    expect(config.publicUrl).toMatch(/^https:\/\//);
    expect(config.trustedProxies.length).toBeGreaterThan(0);
  });

  it('waits in preStop, then gives the engine longer than its drain before killing it', async () => {
    const preStop = container.lifecycle.preStop.exec.command;
    expect(preStop[0]).toBe('sleep');
    const { limits } = await deployedConfig();
    // The engine also waits up to 2 s for its last hang-ups to reach Telnyx once the calls are gone.
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(Number(preStop[1]) + limits.drainTimeoutMs / 1000 + 2);
  });

  it('probes paths the engine serves: ready until it drains, alive throughout', async () => {
    const readiness = container.readinessProbe.httpGet;
    const liveness = container.livenessProbe.httpGet;
    expect(portNames).toContain(readiness.port);
    expect(portNames).toContain(liveness.port);
    const engine = await startTestEngine();
    const status = async (path: string): Promise<number> => (await fetch(`http://127.0.0.1:${engine.port}${path}`)).status;
    try {
      expect(await status(readiness.path)).toBe(200);
      expect(await status(liveness.path)).toBe(200);
      // A live call keeps the engine draining until it ends.
      const call = await TelnyxMediaClient.connect(engine.url('echo.default'));
      call.begin();
      await call.streamMedia(mulawTone(5));
      const drained = engine.drain(60_000);
      expect(await status(readiness.path)).toBe(503);
      expect(await status(liveness.path)).toBe(200);
      call.sendStop();
      await drained;
    } finally {
      await engine.close();
    }
  });

  it('selects the Deployment\'s pods from the Service and the PodDisruptionBudget, and scales the Deployment on CPU', () => {
    const service = ofKind<Service>('Service');
    expect(pod.metadata.labels).toMatchObject(service.spec.selector);
    expect(portNames).toContain(service.spec.ports[0]!.targetPort);
    expect(pod.metadata.labels).toMatchObject(ofKind<PodDisruptionBudget>('PodDisruptionBudget').spec.selector.matchLabels);
    const hpa = ofKind<HorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.metrics[0]!.resource.name).toBe('cpu');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });
});
