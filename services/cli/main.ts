#!/usr/bin/env node
/** The iommu-twin command. */
import { Command, Option } from 'commander';
import { startHostServer } from '../host-iommu/src/main.js';
import { startVmmServer } from '../vmm/src/main.js';
import { hostLinkTls, metricsLine, serverTls, tlsLine, upLinkTls, withHostLinkTls, withMetrics, withServerTls, type HostLinkTlsOptions, type MetricsOptions, type ServerTlsOptions } from './serve-options.js';
import { registerHealthCommand } from './health.js';
import { registerCtl } from './ctl.js';
import { registerDemo } from './demo.js';
import { startUp } from './up.js';

/** On SIGTERM/SIGINT: say so, shut down gracefully, exit 0 (or 1 if shutdown failed). */
function stopOnSignals(close: () => Promise<unknown>): void {
  const stop = (sig: string) => {
    process.stdout.write(`${sig}: shutting down\n`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

const program = new Command();
program.name('iommu-twin').description('A digital twin of the Linux host IOMMU stack (iommufd + VFIO) and of a VMM\'s vIOMMUs');

const hostCmd = program
  .command('host')
  .description('serve one host-iommu (the host kernel model)')
  .option('--listen <addr>', 'address to listen on (port 0 picks a free port)', '127.0.0.1:50051')
  .option('--profile <name|file>', 'built-in profile name or a profile YAML file', 'intel-vtd')
  .option('--tokens <file>', 'YAML/JSON map of bearer token → principal (default: generate one per principal)')
  .option('--state-dir <dir>', 'where generated tokens are written');
withMetrics(withServerTls(hostCmd))
  .action(async (o: { listen: string; profile: string; tokens?: string; stateDir?: string } & ServerTlsOptions & MetricsOptions) => {
    const credentials = serverTls(o);
    const s = await startHostServer({ listen: o.listen, profile: o.profile, ...(o.tokens ? { tokens: o.tokens } : {}), ...(o.stateDir ? { stateDir: o.stateDir } : {}), ...(credentials ? { credentials } : {}), ...(o.metricsListen !== undefined ? { metricsListen: o.metricsListen } : {}) });
    process.stdout.write(`listening on ${s.addr}\n`);
    if (credentials) process.stdout.write(tlsLine(o));
    if (s.metricsHttp) process.stdout.write(metricsLine(s.metricsHttp.addr));
    if (s.tokensFile) process.stdout.write(`tokens written to ${s.tokensFile}\n`);
    stopOnSignals(() => s.close(5000));
  });

const vmmCmd = program
  .command('vmm')
  .description('serve one vmm (VMs with a virtio-iommu, virtio and assigned devices) on top of a host-iommu')
  .option('--listen <addr>', 'address to listen on (port 0 picks a free port)', '127.0.0.1:50052')
  .requiredOption('--host <addr>', 'host-iommu address')
  .requiredOption('--tokens <file>', "YAML/JSON map of bearer token → principal for the vmm's own clients")
  .requiredOption('--host-token <token>', 'host-iommu token of the principal VM processes run as (qemu)')
  .requiredOption('--host-platform-token <token>', 'host-iommu token with the platform role (assigned devices DMA on the host)');
withMetrics(withHostLinkTls(withServerTls(vmmCmd)))
  .action(async (o: { listen: string; host: string; tokens: string; hostToken: string; hostPlatformToken: string } & ServerTlsOptions & HostLinkTlsOptions & MetricsOptions) => {
    const credentials = serverTls(o);
    const hostCredentials = hostLinkTls(o);
    const s = await startVmmServer({ listen: o.listen, host: o.host, tokens: o.tokens, hostToken: o.hostToken, hostPlatformToken: o.hostPlatformToken, ...(credentials ? { credentials } : {}), ...(hostCredentials ? { hostCredentials } : {}), ...(o.metricsListen !== undefined ? { metricsListen: o.metricsListen } : {}) });
    process.stdout.write(`listening on ${s.addr}\n`);
    if (credentials) process.stdout.write(tlsLine(o));
    if (s.metricsHttp) process.stdout.write(metricsLine(s.metricsHttp.addr));
    stopOnSignals(() => s.close(5000));
  });

const upCmd = program
  .command('up')
  .description('start the twin on localhost: host-iommu with a built-in host and a vmm on top of it')
  .option('--listen <addr>', 'host-iommu address', '127.0.0.1:50051')
  .option('--vmm-listen <addr>', 'vmm address', '127.0.0.1:50052')
  .option('--profile <name|file>', 'host profile', 'intel-vtd')
  .option('--state-dir <dir>', 'where generated tokens are written')
  .addOption(
    new Option('--ioctl-transport <kind>', "how the vmm's Iommufd.Ioctls stream and guest-RAM calls (Process.ReadMemory/WriteMemory) reach host-iommu: in-process (same messages and handlers, no HTTP/2) or grpc (over the loopback port)")
      .choices(['in-process', 'grpc'])
      .default('in-process'),
  );
withMetrics(withServerTls(upCmd), 'the metrics of both servers')
  .action(async (o: { listen: string; vmmListen: string; profile: string; stateDir?: string; ioctlTransport: 'in-process' | 'grpc' } & ServerTlsOptions & MetricsOptions) => {
    const credentials = serverTls(o);
    const hostCredentials = upLinkTls(o);
    const u = await startUp({ listen: o.listen, vmmListen: o.vmmListen, profile: o.profile, ioctlTransport: o.ioctlTransport, ...(o.stateDir ? { stateDir: o.stateDir } : {}), ...(credentials ? { credentials } : {}), ...(hostCredentials ? { hostCredentials } : {}), ...(o.metricsListen !== undefined ? { metricsListen: o.metricsListen } : {}) });
    const d = u.host.host.profile;
    process.stdout.write(`host-iommu (${d.name}: ${d.iommus.map((x) => x.name).join(', ')}; ${d.devices.length} PCI devices) listening on ${u.host.addr}\n`);
    process.stdout.write(`  tokens (bearer token → principal): ${u.host.tokensFile}\n`);
    process.stdout.write(`vmm (VMs with virtio-iommu, intel-iommu or SMMUv3; VM processes run as qemu) listening on ${u.vmm.addr}\n`);
    process.stdout.write(`  tokens (bearer token → principal): ${u.vmmTokensFile}\n`);
    if (credentials) process.stdout.write(`  ${tlsLine(o)}`);
    if (u.metricsHttp) process.stdout.write(metricsLine(u.metricsHttp.addr));
    stopOnSignals(() => u.close(5000));
  });

registerHealthCommand(program);
registerCtl(program);
registerDemo(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`iommu-twin: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
