/**
 * `iommu-twin health`: a grpc.health.v1 probe for container health checks (what
 * grpc_health_probe does): one Check with a short deadline, exit 0 when SERVING and 1 otherwise
 * (NOT_SERVING, UNKNOWN, an unknown service, unreachable, deadline exceeded).
 *
 * Also runnable on its own (`node dist/services/cli/health.js [options]`, what the image's
 * HEALTHCHECK does): that loads only grpc-js, not both services, so a probe every few seconds
 * costs a third of the CPU.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { Command } from 'commander';
import { service as healthService } from 'grpc-health-check';

/** Where the probe looks when `--addr` is not given (the image sets it; see the Dockerfile). */
export const HEALTH_ADDR_ENV = 'IOMMUTWIN_HEALTH_ADDR';
export const DEFAULT_HEALTH_ADDR = '127.0.0.1:50051';

export interface HealthAnswer {
  /** SERVING, NOT_SERVING, UNKNOWN, or the gRPC status name when the call failed */
  status: string;
  /** the error text when the call failed */
  error?: string;
}

interface HealthCheckClient extends grpc.Client {
  Check(req: { service: string }, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): grpc.ClientUnaryCall;
}

const HealthClient = grpc.makeClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'grpc.health.v1.Health') as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
) => HealthCheckClient;

/** One grpc.health.v1 Check of `service` ('' = the whole server) at `addr` within `timeoutMs`. */
export function checkHealth(addr: string, service = '', timeoutMs = 1000): Promise<HealthAnswer> {
  const client = new HealthClient(addr, grpc.credentials.createInsecure());
  return new Promise<HealthAnswer>((resolve) => {
    client.Check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err) resolve({ status: grpc.status[err.code] ?? String(err.code), error: err.details || err.message });
      else resolve({ status: res?.status ?? 'UNKNOWN' });
    });
  });
}

const DESCRIPTION = 'check a server with the gRPC health protocol: exit 0 if SERVING, 1 otherwise (for container health checks)';

/** Adds the `health` subcommand to the CLI. */
export function registerHealthCommand(program: Command): void {
  healthOptions(program.command('health').description(DESCRIPTION));
}

function healthOptions(cmd: Command): Command {
  return cmd
    .option('--addr <host:port>', `server address (default: $${HEALTH_ADDR_ENV} or ${DEFAULT_HEALTH_ADDR})`)
    .option('--service <name>', "service to check ('' = the whole server)", '')
    .option('--timeout-ms <ms>', 'deadline of the check', '1000')
    .action(async (o: { addr?: string; service: string; timeoutMs: string }) => {
      const addr = o.addr ?? process.env[HEALTH_ADDR_ENV] ?? DEFAULT_HEALTH_ADDR;
      const timeoutMs = Number(o.timeoutMs);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new Error(`--timeout-ms: expected a positive integer, got '${o.timeoutMs}'`);
      const r = await checkHealth(addr, o.service, timeoutMs);
      const what = o.service === '' ? addr : `${addr} ${o.service}`;
      process.stdout.write(`${what}: ${r.status}${r.error ? ` (${r.error})` : ''}\n`);
      process.exit(r.status === 'SERVING' ? 0 : 1);
    });
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  healthOptions(new Command('iommu-twin-health').description(DESCRIPTION))
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.stderr.write(`iommu-twin health: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}
