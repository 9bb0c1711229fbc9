/**
 * Global setup of the container suite: find a Docker engine, build the iommu-twin image once
 * (scripts/docker-base.sh: offline base images if missing, then the app image from this working
 * tree) and hand its name to the tests.
 *
 * Without a Docker engine the suite is skipped with a loud message, except under CI=true, where
 * that is an error: CI must run it.
 *
 * IOMMUTWIN_TEST_IMAGE=<image> skips the build and tests that image as it is (.ci/run sets it
 * after building the image itself).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function loud(lines: string[]): void {
  const bar = '!'.repeat(78);
  console.warn(['', bar, ...lines.map((l) => `!! ${l}`), bar, ''].join('\n'));
}

/** The engine's version when both the docker CLI (the image build uses it) and testcontainers reach one. */
async function dockerEngine(): Promise<string | undefined> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const cli = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000 });
  if (cli.status !== 0) return undefined;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return `${client.info.containerRuntime.serverVersion} (${client.info.containerRuntime.host})`;
  } catch {
    return undefined;
  }
}

function imageExists(image: string): boolean {
  return spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0;
}

export default async function setup(project: TestProject): Promise<void> {
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  const engine = await dockerEngine();
  if (!engine) {
    if (ci) throw new Error('container suite: no Docker engine answers (CI=true: the container tests must run; .ci/run installs and starts dockerd)');
    loud([
      'CONTAINER TESTS SKIPPED: no Docker engine answers (`docker info` failed, or testcontainers',
      'found none at DOCKER_HOST or /var/run/docker.sock).',
      'test/containers needs a running dockerd; .ci/run installs and starts one.',
      'Under CI=true this is a failure, not a skip.',
    ]);
    project.provide('containerImage', null);
    return;
  }
  const given = process.env.IOMMUTWIN_TEST_IMAGE;
  if (given) {
    if (!imageExists(given)) throw new Error(`container suite: IOMMUTWIN_TEST_IMAGE=${given} is not in the local image store`);
    console.log(`container suite: Docker ${engine}; testing the prebuilt image ${given}`);
    project.provide('containerImage', given);
    return;
  }
  const image = 'iommu-twin:local';
  const t0 = Date.now();
  console.log(`container suite: Docker ${engine}; building ${image} (scripts/docker-base.sh) ...`);
  const r = spawnSync('bash', ['scripts/docker-base.sh'], { cwd: REPO, env: { ...process.env, IOMMUTWIN_IMAGE: image }, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`container suite: building ${image} failed (exit ${r.status ?? r.signal}):\n${(r.stderr ?? '').split('\n').slice(-40).join('\n')}`);
  }
  console.log(`container suite: ${image} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  project.provide('containerImage', image);
}
